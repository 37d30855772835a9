"""Why a file, a folder or an address could not be used, in plain Swedish for the person who fixes it,
instead of the C library's or the socket library's English."""

from __future__ import annotations

import errno
import socket


def file_trouble(exc: OSError, *, reading: bool = False) -> str:
    """Why a folder or file cannot be made, written or (`reading`) read, in Swedish: the system's own words
    (`strerror`) are English. (mkdir says EEXIST where a file is in the way.)"""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "kubot saknar läsrätt" if reading else "kubot saknar skrivrätt"
    return {errno.ENOTDIR: "en del av sökvägen är en fil", errno.EROFS: "disken är skrivskyddad",
            errno.ENOSPC: "disken är full", errno.EEXIST: "en del av sökvägen är en fil",
            errno.ENOENT: "den finns inte", errno.EISDIR: "det är en mapp, inte en fil",
            errno.ENAMETOOLONG: "namnet är för långt"}.get(
        exc.errno or 0, "det går inte att läsa den" if reading else "det går inte att skapa den")


def network_trouble(exc: BaseException) -> str:
    """Why an address did not answer."""
    import ssl  # here, not above: every command reaches file_trouble's module, and ssl costs a cold start

    reason = getattr(exc, "reason", None) or exc  # urllib wraps the socket's error in a URLError
    if isinstance(reason, socket.gaierror):
        return "namnet går inte att slå upp"
    if isinstance(reason, ConnectionRefusedError):
        return "ingen tar emot anslutningar där"
    if isinstance(reason, TimeoutError):
        return "inget svar i tid"
    if isinstance(reason, ssl.SSLError):
        return "certifikatet godtas inte"
    return "anslutningen misslyckades"
