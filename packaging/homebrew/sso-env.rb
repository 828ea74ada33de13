# Homebrew formula for sso-env, installing the release archives (static Linux binaries, macOS).
# packaging/update.sh VERSION DIR sets the version and each archive's SHA-256 from a release's
# .sha256 files; the release workflow runs it and attaches the result to the GitHub release, from
# where it goes to the tap (sso-env/homebrew-tap, Formula/sso-env.rb):
#   brew install sso-env/tap/sso-env
# Until the first release the hashes are zeros, so an install from this file fails its check.
class SsoEnv < Formula
  desc "AWS IAM Identity Center (SSO) credentials in the shell you are already using"
  homepage "https://github.com/sso-env/sso-env"
  version "0.1.0"
  license any_of: ["MIT", "Apache-2.0"]

  on_macos do
    on_arm do
      url "https://github.com/sso-env/sso-env/releases/download/v0.1.0/sso-env-0.1.0-aarch64-apple-darwin.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
    on_intel do
      url "https://github.com/sso-env/sso-env/releases/download/v0.1.0/sso-env-0.1.0-x86_64-apple-darwin.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
  end

  on_linux do
    on_arm do
      url "https://github.com/sso-env/sso-env/releases/download/v0.1.0/sso-env-0.1.0-aarch64-unknown-linux-musl.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
    on_intel do
      url "https://github.com/sso-env/sso-env/releases/download/v0.1.0/sso-env-0.1.0-x86_64-unknown-linux-musl.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
  end

  def install
    bin.install "sso-env"
    bash_completion.install "completions/sso-env.bash" => "sso-env"
    zsh_completion.install "completions/_sso-env"
    fish_completion.install "completions/sso-env.fish"
  end

  test do
    assert_match "sso-env #{version} (", shell_output("#{bin}/sso-env --version")
  end
end
