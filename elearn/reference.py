"""The platform's fixed vocabularies: professions, counties, organisation kinds.

Keys are stored in the database and used in content packages and reports; labels are
translated when shown. Adding a key is safe; renaming or removing one needs a data migration.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PROFESSIONS: dict[str, object] = {
    "teacher": _l("Teacher"),
    "school_counsellor": _l("School counsellor"),
    "school_psychologist": _l("School psychologist"),
    "psychologist": _l("Psychologist"),
    "police_officer": _l("Police officer"),
    "social_worker": _l("Social worker"),
    "clergy": _l("Clergy"),
    "ngo_staff": _l("NGO staff or volunteer"),
    "other": _l("Other profession"),
}

OUTSIDE_ROMANIA = "abroad"

# Whom a session a trained person delivers is for (elearn/reach)...
SESSION_AUDIENCES: dict[str, object] = {
    "pupils": _l("Pupils"),
    "parents": _l("Parents"),
    "colleagues": _l("Colleagues"),
    "community": _l("Community"),
}
# ...and whom an event or a library resource is for: those, or specialists (the people the
# courses train: teachers, police officers, social workers, clergy...). One list, so that
# sessions, events and materials are counted and filtered by the same keys.
AUDIENCES: dict[str, object] = {**SESSION_AUDIENCES, "specialists": _l("Specialists")}

# Romania's 41 counties and the Municipality of Bucharest, by their official two-letter codes
# (the codes on number plates). Names are translated where a language has its own
# (Bihor is Bihar in Hungarian).
COUNTIES: dict[str, object] = {
    "AB": _l("Alba"),
    "AR": _l("Arad"),
    "AG": _l("Argeș"),
    "BC": _l("Bacău"),
    "BH": _l("Bihor"),
    "BN": _l("Bistrița-Năsăud"),
    "BT": _l("Botoșani"),
    "BR": _l("Brăila"),
    "BV": _l("Brașov"),
    "B": _l("Bucharest"),
    "BZ": _l("Buzău"),
    "CL": _l("Călărași"),
    "CS": _l("Caraș-Severin"),
    "CJ": _l("Cluj"),
    "CT": _l("Constanța"),
    "CV": _l("Covasna"),
    "DB": _l("Dâmbovița"),
    "DJ": _l("Dolj"),
    "GL": _l("Galați"),
    "GR": _l("Giurgiu"),
    "GJ": _l("Gorj"),
    "HR": _l("Harghita"),
    "HD": _l("Hunedoara"),
    "IL": _l("Ialomița"),
    "IS": _l("Iași"),
    "IF": _l("Ilfov"),
    "MM": _l("Maramureș"),
    "MH": _l("Mehedinți"),
    "MS": _l("Mureș"),
    "NT": _l("Neamț"),
    "OT": _l("Olt"),
    "PH": _l("Prahova"),
    "SJ": _l("Sălaj"),
    "SM": _l("Satu Mare"),
    "SB": _l("Sibiu"),
    "SV": _l("Suceava"),
    "TR": _l("Teleorman"),
    "TM": _l("Timiș"),
    "TL": _l("Tulcea"),
    "VL": _l("Vâlcea"),
    "VS": _l("Vaslui"),
    "VN": _l("Vrancea"),
    OUTSIDE_ROMANIA: _l("Outside Romania"),
}

ORGANISATION_KINDS: dict[str, object] = {
    "school": _l("School or kindergarten"),
    "school_support": _l("County resource and educational assistance centre"),
    "police": _l("Police unit or inspectorate"),
    "social_assistance": _l("Social assistance or child protection directorate"),
    "local_authority": _l("Local public administration"),
    "ngo": _l("Non-governmental organisation"),
    "religious": _l("Religious organisation or parish"),
    "health": _l("Health service"),
    "other": _l("Other institution"),
}


def label(vocabulary: dict[str, object], key: str | None) -> str:
    """The translated label of ``key``, or the key itself if it is no longer in the list."""
    if key is None:
        return ""
    return str(vocabulary.get(key, key))
