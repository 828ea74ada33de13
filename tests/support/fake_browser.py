"""A browser for tests: $BROWSER runs it with the sign-in URL.

It behaves like a browser whose user is already signed in: it asks the Identity Center stand-in
for the /authorize page, follows the redirect to sso-env's callback listener, and records what it
saw in $FAKE_BROWSER_LOG (JSON). $FAKE_BROWSER_MODE=tamper changes the `state` on the way back,
as an attacker's page would. Before answering, it checks that the listener does not accept
connections on another loopback address (127.0.0.2): sso-env must bind 127.0.0.1 only.
"""
import http.client, json, os, socket, sys, urllib.parse

url = sys.argv[1]
log = {"url": url}
try:
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.request("GET", u.path + "?" + u.query)
    r = c.getresponse()
    r.read()
    location = r.getheader("Location")
    log["authorize_status"] = r.status
    log["location"] = location
    cb = urllib.parse.urlsplit(location)
    log["callback_host"] = cb.hostname
    log["callback_port"] = cb.port
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.2", cb.port))
        log["other_loopback"] = "accepted"
    except OSError as e:
        log["other_loopback"] = "refused"
    finally:
        s.close()
    query = cb.query
    if os.environ.get("FAKE_BROWSER_MODE") == "tamper":
        q = urllib.parse.parse_qs(query)
        q["state"] = ["forged"]
        query = urllib.parse.urlencode({k: v[0] for k, v in q.items()})
    c2 = http.client.HTTPConnection(cb.hostname, cb.port, timeout=10)
    c2.request("GET", cb.path + "?" + query)
    r2 = c2.getresponse()
    log["callback_status"] = r2.status
    log["callback_body"] = r2.read().decode("utf-8", "replace")
except Exception as e:  # recorded for the test to show
    log["error"] = repr(e)
path = os.environ["FAKE_BROWSER_LOG"]
with open(path + ".tmp", "w") as f:
    json.dump(log, f)
os.replace(path + ".tmp", path)
