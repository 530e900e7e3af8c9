"""Which web addresses may be fetched: ``http``/``https`` only, public hosts unless private ones are allowed.

Link-local addresses (where cloud servers answer metadata requests, such as
169.254.169.254) are refused even when private addresses are allowed.
A host is resolved once and every address it resolves to is checked; the
fetcher then connects to the checked address itself, so a name that changes
its answer between the check and the connection cannot reach a private one.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urljoin, urlsplit

from ..errors import BlockedError, UnreadableFileError

__all__ = ["Target", "check_url", "is_link_local", "is_public", "origin_of", "resolve", "web_address"]

_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ORIGIN_PORTS = {**_DEFAULT_PORTS, "ws": 80, "wss": 443}
# What stays as written in each part of an address; anything else (a space, a letter outside ASCII, a quote
# mark) is percent-encoded as UTF-8, as a browser sends it. Existing escapes (%) are kept.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~[]|^"
_QUERY_SAFE = _PATH_SAFE + "?"
_USER_SAFE = "%!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Target:
    """A URL's parts and the checked address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def is_public(address: str) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, link-local or reserved)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                       or ip.is_reserved or ip.is_unspecified)


def is_link_local(address: str) -> bool:
    """Whether an IP address is link-local (never fetched: cloud metadata services live there)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_link_local)


def web_address(url: str, *, base: str | None = None) -> str:
    """``url`` (joined to ``base``, for a link or a redirect) written as a browser writes an address it
    fetches: scheme and host in lower case, the host in ASCII (IDNA, as browsers map it: UTS 46, not
    transitional), no default port, ``\\`` as ``/`` before the query, a path of at least ``/`` without
    ``.`` and ``..`` segments, and spaces and letters outside ASCII percent-encoded as UTF-8 (``café`` as
    ``caf%C3%A9``; bytes that are not UTF-8 as they are, ``%E9``). (A browser also resolves ``%2e%2e``
    segments and keeps an empty ``?`` or ``#``; this does not.)

    Raises :class:`UnreadableFileError` for text that cannot be read as an address (``http://[::1``).
    Other schemes come back as they are, for :func:`check_url` to refuse.
    """
    if not isinstance(url, str):
        raise UnreadableFileError(repr(url), f"a web address is text, not {type(url).__name__}; give it as "
                                             "'https://host/path'.")
    try:
        written = _slashes(url.strip(), relative_to_web=base is not None and _is_web(base))
        joined = urljoin(base, written) if base is not None else written
        parts = urlsplit(joined)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise UnreadableFileError(url, f"is not a valid web address ({exc}); check it.") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        return joined
    if not host:
        raise UnreadableFileError(url, "has no host name; write it as https://host/path.")
    try:
        return _written(parts, scheme, host, port)
    except UnicodeError as exc:  # a host no browser could write either, or a lone surrogate from Python code
        raise UnreadableFileError(url, f"cannot be written as a web address ({exc}); check it.") from None


def _written(parts: SplitResult, scheme: str, host: str, port: int | None) -> str:
    ascii_host = host.lower() if host.isascii() else _ascii_host(host)
    netloc = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    if parts.username is not None:
        user = _quoted(parts.username, _USER_SAFE)
        if parts.password is not None:
            user += ":" + _quoted(parts.password, _USER_SAFE)
        netloc = f"{user}@{netloc}"
    address = f"{scheme}://{netloc}{_quoted(_without_dot_segments(parts.path or '/'), _PATH_SAFE)}"
    if parts.query:
        address += "?" + _quoted(parts.query, _QUERY_SAFE)
    if parts.fragment:
        address += "#" + _quoted(parts.fragment, _QUERY_SAFE)
    return address


def _is_web(url: str) -> bool:
    return url[:6].lower().startswith(("http:", "https:"))


def _slashes(url: str, *, relative_to_web: bool) -> str:
    """``url`` with a backslash before its query read as a slash, as browsers read http(s) addresses."""
    if "\\" not in url or not (_is_web(url) or relative_to_web and urlsplit(url).scheme == ""):
        return url
    end = min((at for at in (url.find("?"), url.find("#")) if at >= 0), default=len(url))
    return url[:end].replace("\\", "/") + url[end:]


def _ascii_host(host: str) -> str:
    """A host name outside ASCII as browsers send it: mapped by UTS 46, not transitional (``faß.de`` is not
    ``fass.de``), without the STD3 and hyphen rules browsers leave out (``☕.de`` and ``_x.café.de`` are
    fetched), each label outside ASCII in Punycode."""
    import idna  # only for such names: it loads large tables

    mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    return ".".join(label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
                    for label in mapped.split("."))


def _quoted(text: str, safe: str) -> str:
    # Bytes that were not UTF-8 (read into text as surrogates, from a Latin-1 terminal or header) go as they were.
    return quote(text, safe=safe, encoding="utf-8", errors="surrogateescape")


def _without_dot_segments(path: str) -> str:
    """``path`` (starting ``/``) with its ``.`` and ``..`` segments resolved (RFC 3986, 5.2.4)."""
    kept: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    ends_in_folder = path.endswith(("/.", "/..")) and bool(kept)
    return "/" + "/".join(kept) + ("/" if ends_in_folder else "")


def check_url(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of an ``http``/``https`` URL; anything else is blocked."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnreadableFileError(url, f"is not a valid web address ({exc}); check it.") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise BlockedError(url, f"only http and https addresses are fetched, not {scheme or 'a bare path'}:.")
    if not parts.hostname:
        raise UnreadableFileError(url, "has no host name; write it as https://host/path.")
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS[scheme]


def origin_of(url: str) -> tuple[str, int] | None:
    """The (host, port) an http(s) or web-socket URL connects to, or None for any other URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    default = _ORIGIN_PORTS.get(parts.scheme.lower())
    if default is None or not parts.hostname:
        return None
    return parts.hostname.lower(), port if port is not None else default


def resolve(url: str, *, allow_private: bool) -> Target:
    """Check ``url`` and resolve its host to an address that may be fetched.

    Raises :class:`BlockedError` for other schemes, for link-local addresses,
    and for private, loopback and reserved addresses unless ``allow_private``.
    """
    scheme, host, port = check_url(url)
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnreadableFileError(url, f"the host {host} cannot be found ({exc}); check the address.") from None
    addresses = list(dict.fromkeys(str(answer[4][0]) for answer in answers))
    if not addresses:
        raise UnreadableFileError(url, f"the host {host} has no address; check the address.")
    local = [a for a in addresses if is_link_local(a)]
    if local:
        raise BlockedError(url, f"the host {host} resolves to the link-local address {local[0]} (where cloud "
                                "metadata services answer), which is never fetched.")
    refused = [a for a in addresses if not is_public(a)]
    if refused and not allow_private:
        raise BlockedError(url, f"the host {host} resolves to the private or local address {refused[0]}, "
                                "which is not fetched; pass allow_private=True to scan it.")
    return Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])
