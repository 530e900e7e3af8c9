"""The register of approved HTQs and the entitlement check.

Typical use::

    from datetime import date
    from htq_mark.register import default_register, load_register

    register = load_register("approved-htqs.csv")     # or default_register()
    result = register.check("603/7595/4", on=date(2026, 11, 23))
    result.entitled, [reason.code for reason in result.reasons]

The built-in register is EXAMPLE DATA (fictional ``999/`` qualifications), not
the official list: load the official list with :func:`load_register`, or set
``HTQ_MARK_REGISTER``, which every entry point (and the command line) uses when
no register is given (:func:`configured_register`).
"""

from __future__ import annotations

from .._exports import claim_exports
from ._bulk import IdsFromCsv, read_ids_from_csv
from ._entitlement import REASON_CODES, Entitlement, Reason, Severity
from ._example import (
    EXAMPLE_ENTITLED_ID,
    EXAMPLE_FUTURE_ID,
    EXAMPLE_NOT_LISTED_ID,
    EXAMPLE_OFS_ID,
    EXAMPLE_SCHEDULED_WITHDRAWAL_ID,
    EXAMPLE_WITHDRAWN_ID,
)
from ._export import ExportFormat, export_register, neutralise_cell, write_register
from ._loader import (
    REGISTER_ENV_VAR,
    RegisterValidation,
    configured_register,
    configured_register_file,
    configured_register_path,
    default_register,
    load_register,
    parse_register_bytes,
    validate_register_file,
)
from ._ofqual import import_ofqual
from ._provenance import EXAMPLE_NOTICE, RegisterProvenance
from ._qualification_id import (
    QualificationId,
    find_qualification_ids,
    normalise_qualification_id,
    ofqual_check_character,
    parse_qualification_id,
)
from ._record import QualificationRecord
from ._register import Register
from ._routes import CYCLES, ROUTES, Cycle, Route, find_route
from ._summary import RegisterSummary, summarise_register
from ._validation import COLUMNS

__all__ = [
    "COLUMNS",
    "CYCLES",
    "EXAMPLE_ENTITLED_ID",
    "EXAMPLE_FUTURE_ID",
    "EXAMPLE_NOTICE",
    "EXAMPLE_NOT_LISTED_ID",
    "EXAMPLE_OFS_ID",
    "EXAMPLE_SCHEDULED_WITHDRAWAL_ID",
    "EXAMPLE_WITHDRAWN_ID",
    "REASON_CODES",
    "REGISTER_ENV_VAR",
    "ROUTES",
    "Cycle",
    "Entitlement",
    "ExportFormat",
    "IdsFromCsv",
    "QualificationId",
    "QualificationRecord",
    "Reason",
    "Register",
    "RegisterProvenance",
    "RegisterSummary",
    "RegisterValidation",
    "Route",
    "Severity",
    "configured_register",
    "configured_register_file",
    "configured_register_path",
    "default_register",
    "export_register",
    "find_qualification_ids",
    "find_route",
    "import_ofqual",
    "load_register",
    "neutralise_cell",
    "normalise_qualification_id",
    "ofqual_check_character",
    "parse_qualification_id",
    "parse_register_bytes",
    "read_ids_from_csv",
    "summarise_register",
    "validate_register_file",
    "write_register",
]

# The names htq_mark exports from here report htq_mark as their module.
claim_exports(__name__, globals())
