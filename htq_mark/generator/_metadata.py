"""What every generated file says about itself: variant, kit, tool and qualification.

The same facts go into each format's own place for them (PNG text chunks, EXIF
and XMP, the PDF Info dictionary, EPS comments, SVG ``<metadata>``). Nothing
depends on the clock: a creation date is written only when ``SOURCE_DATE_EPOCH``
gives one, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .._version import __version__
from ..errors import UsageError

__all__ = ["HTQ_NAMESPACE", "AssetMetadata", "source_date"]

HTQ_NAMESPACE = "urn:htq-mark:metadata/1.0/"
TOOL = f"htq-mark {__version__}"


def source_date(environ: Mapping[str, str] | None = None) -> dt.datetime | None:
    """The build date from ``SOURCE_DATE_EPOCH`` (UTC), or None when it is not set."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        seconds = int(value)
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds since "
                         "1970-01-01; set it to one (e.g. `date +%s`) or unset it.") from None


@dataclass(frozen=True)
class AssetMetadata:
    """The facts stamped into a generated file."""

    title: str
    variant: str
    kit_name: str
    kit_version: str
    kit_sha256: str
    tool: str = TOOL
    qualification: str | None = None
    qualification_date: dt.date | None = None
    created: dt.datetime | None = None

    def to_dict(self) -> dict[str, str]:
        """The facts as text, only those that are set, in a fixed order."""
        items = {
            "title": self.title,
            "variant": self.variant,
            "kit": self.kit_name,
            "kit_version": self.kit_version,
            "kit_sha256": self.kit_sha256,
            "tool": self.tool,
            "qualification": self.qualification,
            "qualification_date": self.qualification_date.isoformat() if self.qualification_date else None,
            "created": self.created.strftime("%Y-%m-%dT%H:%M:%SZ") if self.created else None,
        }
        return {key: value for key, value in items.items() if value is not None}

    @property
    def summary(self) -> str:
        """One line for description and comment fields."""
        parts = [f"variant {self.variant}", f"kit {self.kit_name} {self.kit_version}", self.tool]
        if self.qualification:
            parts.append(f"qualification {self.qualification}")
        return "HTQ quality mark; " + "; ".join(parts)

    def rdf_description(self) -> str:
        """An RDF description of the facts (Dublin Core, XMP and the htq-mark namespace)."""
        facts = self.to_dict()
        lines = [
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
            (' <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            f' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:htq="{HTQ_NAMESPACE}">'),
            (f'  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(self.title)}</rdf:li>'
            "</rdf:Alt></dc:title>"),
            (f'  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(self.summary)}</rdf:li>'
            "</rdf:Alt></dc:description>"),
            f"  <xmp:CreatorTool>{escape(self.tool)}</xmp:CreatorTool>",
        ]
        if "created" in facts:
            lines.append(f"  <xmp:CreateDate>{facts['created']}</xmp:CreateDate>")
        for key, value in facts.items():
            if key not in ("title", "created"):
                lines.append(f"  <htq:{key}>{escape(value)}</htq:{key}>")
        lines += [" </rdf:Description>", "</rdf:RDF>"]
        return "\n".join(lines)

    def xmp_packet(self) -> bytes:
        """A complete XMP packet (UTF-8) for JPEG, WebP and PDF."""
        return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
                '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
                f"{self.rdf_description()}\n"
                '</x:xmpmeta>\n<?xpacket end="r"?>').encode()
