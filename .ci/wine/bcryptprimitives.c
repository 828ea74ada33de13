/* Wine 8 has no bcryptprimitives.dll, which Rust's std (1.78 and later) loads for ProcessPrng.
 * This shim provides ProcessPrng through RtlGenRandom, so that Windows test binaries run under
 * wine. Used by .ci/windows-under-wine only; never shipped. */
#include <windows.h>
#include <ntsecapi.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
