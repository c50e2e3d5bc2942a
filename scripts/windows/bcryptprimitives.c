/* Test-only shim for Wine 8.0 (Debian 12): Go 1.24+ exes import ProcessPrng
 * from bcryptprimitives.dll, which this Wine lacks, and die before main.
 * Windows 10 and newer ship the real DLL; this file is never shipped. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
