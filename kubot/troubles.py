"""Why a file, a folder or an address could not be used, in plain Swedish for the person who fixes it,
instead of the C library's or the socket library's English."""

from __future__ import annotations

import errno
import socket
import ssl


def file_trouble(exc: OSError) -> str:
    """Why a folder or file cannot be made or written. (mkdir says EEXIST where a file is in the way.)"""
    return {errno.ENOTDIR: "en del av sökvägen är en fil", errno.EACCES: "kubot saknar skrivrätt",
            errno.EPERM: "kubot saknar skrivrätt", errno.EROFS: "disken är skrivskyddad",
            errno.ENOSPC: "disken är full", errno.EEXIST: "en del av sökvägen är en fil"}.get(
        exc.errno or 0, "det går inte att skapa den")


def network_trouble(exc: BaseException) -> str:
    """Why an address did not answer."""
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
