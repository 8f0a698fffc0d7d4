"""The curated data model: record kinds, their fields, and the predicate each field becomes.

This table is the single source of truth for the data format (``data/README.md``), the loader
(``loader.py``), lint, the generated JSON Schema (``data/schema.json``) and the tests that keep the
ontology and shapes in step with it. Map fields to predicates here, never with a chain of ifs.

The table is read through :func:`kinds`, :func:`kind_named` and :func:`kind_of_file`, never
copied at import, so a kind added with :func:`register_kind` reaches every reader:

>>> [k.name for k in kinds()][:3], kind_of_file("meetings.yaml").name
(['source', 'convention', 'provision'], 'meeting')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from mgraph.core.namespaces import MG, ORG, SCHEMA, TIME

ValueType = Literal["str", "text", "date", "int", "decimal", "ref", "url", "enum", "duration"]

ID_PATTERN = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$|^[a-z0-9]$"
DECISION_CODE_PATTERN = r"^(MC-[1-9][0-9]*/[1-9][0-9]*|UNEP GC [0-9]+/[0-9]+)$"


@dataclass(frozen=True)
class Field:
    """One field of a record and how it becomes triples."""

    name: str
    predicate: URIRef
    type: ValueType = "str"
    many: bool = False
    required: bool = False
    targets: tuple[str, ...] = ()  # record kinds a "ref" may point to
    enum: dict[str, URIRef] = field(default_factory=dict)  # value -> IRI, for "enum"
    pattern: str | None = None
    doc: str = ""
    ordered: bool = False  # for "many" fields: the order of the items carries meaning (lint keeps it)


@dataclass(frozen=True)
class Kind:
    """A record kind: one YAML file in ``data/``, one IRI path segment, one or more classes."""

    name: str  # also the IRI path segment: https://w3id.org/mgraph/id/<name>/<id>
    file: str
    cls: URIRef  # the class of every record of this kind
    fields: tuple[Field, ...]
    doc: str = ""
    class_field: str | None = None  # an "enum" field whose value IRI is the record's class

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


AGENTS = ("organisation", "country", "person", "partnership-area")
FORMATS = {
    "online": SCHEMA.OnlineEventAttendanceMode,
    "in-person": SCHEMA.OfflineEventAttendanceMode,
    "hybrid": SCHEMA.MixedEventAttendanceMode,
}

# Fields every record may carry. "sources" is checked by SHACL (a Warning when missing).
COMMON: tuple[Field, ...] = (
    Field("name", RDFS.label, "str", doc="English name, as the sources spell it"),
    Field("alt_names", SKOS.altLabel, "str", many=True, ordered=True, doc="acronyms and other names"),
    Field("description", DCTERMS.description, "text", doc="one or two sentences in our words"),
    Field("note", SKOS.note, "text", doc="curation note: gaps, doubts, conflicts"),
    Field("url", SCHEMA.url, "url", doc="the record's own official page"),
    Field(
        "sources",
        PROV.wasDerivedFrom,
        "ref",
        many=True,
        targets=("source",),
        ordered=True,
        doc="URLs or ids of records in sources.yaml that state this record's facts",
    ),
)


def _kind(
    name: str, file: str, cls: URIRef, *fields: Field, doc: str = "", class_field: str | None = None
) -> Kind:
    own = {f.name for f in fields}
    merged = fields + tuple(f for f in COMMON if f.name not in own)
    return Kind(name, file, cls, merged, doc, class_field)


def _date(name: str, predicate: URIRef, doc: str = "", required: bool = False) -> Field:
    return Field(name, predicate, "date", required=required, doc=doc)


def _refs(name: str, predicate: URIRef, *targets: str, doc: str = "") -> Field:
    return Field(name, predicate, "ref", many=True, targets=targets, doc=doc)


def _ref(name: str, predicate: URIRef, *targets: str, doc: str = "", required: bool = False) -> Field:
    return Field(name, predicate, "ref", targets=targets, doc=doc, required=required)


def _enum(
    name: str, predicate: URIRef, values: dict[str, URIRef], doc: str = "", required: bool = False
) -> Field:
    return Field(name, predicate, "enum", enum=values, doc=doc, required=required)


_BUILT_IN: tuple[Kind, ...] = (
    _kind(
        "source",
        "sources.yaml",
        MG.SourceDocument,
        Field("name", RDFS.label, "str", required=True, doc="title of the document"),
        _ref("publisher", DCTERMS.publisher, "organisation"),
        _date("issued", DCTERMS.issued, "publication date"),
        _enum(
            "kind",
            DCTERMS.type,
            {
                "seed-document": MG.SeedDocument,
                "web-page": MG.WebPage,
                "dataset": MG.Dataset,
                "treaty-text": MG.TreatyText,
                "report": MG.Report,
            },
        ),
        _enum(
            "date_precision",
            MG.datePrecision,
            {"day": TIME.unitDay, "month": TIME.unitMonth, "year": TIME.unitYear},
            doc="the finest unit in which the document dates what it reports (a monthly listing: month)",
        ),
        doc="A document facts are taken from. Records may also cite a URL directly.",
    ),
    _kind(
        "convention",
        "conventions.yaml",
        MG.Convention,
        Field("name", RDFS.label, "str", required=True),
        _date("adopted", MG.adoptionDate),
        _ref("adopted_at", MG.adoptedAt, "meeting"),
        _date("opened_for_signature", MG.openingForSignatureDate),
        _date("signature_closed", MG.signatureClosingDate),
        _date("entry_into_force", MG.entryIntoForceDate),
        _ref("depositary", MG.depositary, "organisation", "person"),
        _ref("secretariat", MG.secretariat, "organisation"),
        _refs("topics", DCTERMS.subject, "topic"),
        Field(
            "reported_party_count",
            MG.reportedPartyCount,
            "int",
            doc="number of Parties a source reports; long form with the date in 'note'",
        ),
        Field(
            "reported_signatory_count",
            MG.reportedSignatoryCount,
            "int",
            doc="number of signatories a source reports",
        ),
        doc="A multilateral environmental agreement.",
    ),
    _kind(
        "provision",
        "provisions.yaml",
        MG.Provision,
        _enum("kind", MG.provisionKind, {"article": MG.Article, "annex": MG.Annex}, required=True),
        _ref("convention", DCTERMS.isPartOf, "convention", required=True),
        Field(
            "number",
            SKOS.notation,
            "str",
            required=True,
            pattern=r"^([1-9][0-9]*|[A-Z])$",
            doc="article number (7) or annex letter (A)",
        ),
        Field("name", RDFS.label, "str", required=True, doc="the heading in the treaty text"),
        _refs("topics", DCTERMS.subject, "topic"),
        class_field="kind",
        doc="An article or annex of a convention.",
    ),
    _kind(
        "meeting",
        "meetings.yaml",
        MG.Meeting,
        _enum(
            "kind",
            MG.meetingKind,
            {
                "cop": MG.ConferenceOfTheParties,
                "cop-segment": MG.MeetingSegment,
                "inc": MG.NegotiatingSession,
                "diplomatic-conference": MG.DiplomaticConference,
                "oewg": MG.PreparatoryMeeting,
                "back-to-back": MG.BackToBackMeetings,
                "other": MG.Meeting,
            },
            required=True,
        ),
        Field("name", RDFS.label, "str", required=True),
        _refs("conventions", MG.ofConvention, "convention"),
        Field("number", MG.sessionNumber, "int", doc="COP or INC number"),
        Field("segment", MG.segmentNumber, "int", doc="1 for the first segment, 2 for the second"),
        _ref(
            "part_of",
            SCHEMA.superEvent,
            "meeting",
            doc="the session a segment belongs to, or the back-to-back meetings it is one of",
        ),
        _date("start", SCHEMA.startDate),
        _date("end", SCHEMA.endDate),
        _enum("format", SCHEMA.eventAttendanceMode, FORMATS),
        _ref("place", SCHEMA.location, "place"),
        _ref("venue", MG.venue, "place"),
        _ref("country", MG.hostCountry, "country"),
        _ref("president", MG.president, "person"),
        Field("theme", MG.theme, "str"),
        _refs("organisers", SCHEMA.organizer, *AGENTS),
        Field(
            "reported_decision_count",
            MG.reportedDecisionCount,
            "int",
            doc="number of decisions adopted, as a source reports it",
        ),
        Field(
            "reported_participants",
            MG.reportedParticipants,
            "str",
            doc="attendance as a source words it ('more than 300 participants')",
        ),
        class_field="kind",
        doc="A meeting of a convention body: COP session or segment, INC, conference.",
    ),
    _kind(
        "decision",
        "decisions.yaml",
        MG.Decision,
        Field(
            "name",
            RDFS.label,
            "str",
            required=True,
            doc="a label; the official title goes in 'title' when a source gives it",
        ),
        Field(
            "code",
            DCTERMS.identifier,
            "str",
            pattern=DECISION_CODE_PATTERN,
            doc="official code such as MC-5/3; omit when no source gives it",
        ),
        Field("title", DCTERMS.title, "str", doc="the official title, when sourced"),
        _ref("adopted_at", MG.adoptedAt, "meeting", required=True),
        _ref("convention", MG.ofConvention, "convention"),
        _refs("provisions", MG.concernsProvision, "provision"),
        _refs("topics", DCTERMS.subject, "topic"),
        _refs("requests", MG.requests, *AGENTS, doc="whom the decision requests to act"),
        _refs("invites", MG.invites, *AGENTS, doc="whom the decision invites to act"),
        _refs(
            "gives_guidance_to",
            MG.givesGuidanceTo,
            *AGENTS,
            doc="the bodies the decision gives guidance to (the GEF), as its sources state",
        ),
        _refs("amends", MG.amends, "provision", "decision"),
        _refs("replaces", DCTERMS.replaces, "decision"),
        _date(
            "phase_out_by",
            MG.phaseOutDeadline,
            "the date by which the decision requires a phase-out, as precise as its source",
        ),
        _date("adopted", MG.adoptionDate, "the day the decision was adopted, as its sources give it"),
        _date(
            "entry_into_force",
            MG.entryIntoForceDate,
            "for an amendment: the date it entered into force, as its sources give it",
        ),
        doc="A decision adopted by a meeting.",
    ),
    _kind(
        "organisation",
        "organisations.yaml",
        MG.Organisation,
        Field("name", RDFS.label, "str", required=True),
        _enum(
            "kind",
            MG.organisationKind,
            {
                "un-programme": MG.UNProgramme,
                "specialised-agency": MG.SpecialisedAgency,
                "treaty-secretariat": MG.TreatySecretariat,
                "government-body": MG.GovernmentBody,
                "intergovernmental-organisation": MG.IntergovernmentalOrganisation,
                "ngo": MG.NonGovernmentalOrganisation,
                "funding-mechanism": MG.FundingMechanism,
                "conference-series": MG.ConferenceSeries,
                "network": MG.Network,
                "coalition": MG.Coalition,
                "partnership": MG.Partnership,
                "research-institute": MG.ResearchInstitute,
                "company": MG.Company,
                "other": MG.Organisation,
            },
            required=True,
        ),
        _ref("country", MG.basedIn, "country", doc="the State of a government body"),
        _ref("headquarters", SCHEMA.location, "place"),
        _ref("parent", ORG.subOrganizationOf, "organisation", "country"),
        _refs(
            "hosted_by",
            MG.hostedBy,
            "organisation",
            "country",
            doc="who hosts or administers it (or its secretariat), as its sources state",
        ),
        _refs(
            "supporters",
            SCHEMA.sponsor,
            "organisation",
            "country",
            doc="who supports it (or its secretariat), as its sources state",
        ),
        class_field="kind",
        doc="An organisation: UN body, secretariat, government body, NGO, network...",
    ),
    _kind(
        "country",
        "countries.yaml",
        MG.State,
        Field("name", RDFS.label, "str", required=True),
        _enum(
            "kind",
            MG.countryKind,
            {
                "state": MG.State,
                "reio": MG.RegionalEconomicIntegrationOrganisation,
            },
            required=True,
        ),
        Field(
            "iso2",
            MG.iso3166Alpha2,
            "str",
            pattern=r"^[A-Z]{2}$",
            doc="ISO 3166-1 alpha-2, checked against pycountry",
        ),
        Field(
            "iso3",
            MG.iso3166Alpha3,
            "str",
            pattern=r"^[A-Z]{3}$",
            doc="ISO 3166-1 alpha-3, checked against pycountry",
        ),
        class_field="kind",
        doc="A State (also a schema:Country) or a regional economic integration organisation.",
    ),
    _kind(
        "place",
        "places.yaml",
        SCHEMA.Place,
        Field("name", RDFS.label, "str", required=True),
        _enum("kind", MG.placeKind, {"city": SCHEMA.City, "venue": MG.Venue}, required=True),
        _ref("country", MG.inCountry, "country"),
        _ref("contained_in", SCHEMA.containedInPlace, "place"),
        class_field="kind",
        doc="A city or a venue.",
    ),
    _kind(
        "legal-act",
        "legal_acts.yaml",
        MG.LegalAct,
        _enum(
            "kind",
            MG.legalActKind,
            {
                "signature": MG.Signature,
                "ratification": MG.Ratification,
                "acceptance": MG.Acceptance,
                "approval": MG.Approval,
                "accession": MG.Accession,
                "deposit": MG.Deposit,
                "entry-into-force": MG.EntryIntoForceForParty,
            },
            required=True,
            doc="'deposit' when no source names the type of instrument",
        ),
        _ref("party", MG.actor, "country", required=True),
        _ref("convention", MG.ofConvention, "convention", required=True),
        _date("date", MG.actDate),
        Field(
            "reported_party_number",
            MG.reportedPartyNumber,
            "int",
            doc="the 'Nth Party' figure a source reports",
        ),
        class_field="kind",
        doc="A dated legal act of a State or REIO under a convention.",
    ),
    _kind(
        "partnership-area",
        "partnership_areas.yaml",
        MG.PartnershipArea,
        Field("name", RDFS.label, "str", required=True),
        _enum(
            "kind",
            MG.unitKind,
            {
                "partnership-area": MG.PartnershipArea,
                "cross-cutting": MG.CrossCuttingArea,
                "advisory-group": MG.AdvisoryGroup,
            },
            required=True,
        ),
        _ref("partnership", ORG.unitOf, "organisation", required=True),
        Field("established", MG.establishedIn, "date"),
        _refs("topics", DCTERMS.subject, "topic"),
        class_field="kind",
        doc="A partnership area (or advisory body) of the Global Mercury Partnership.",
    ),
    _kind(
        "role",
        "roles.yaml",
        MG.RoleHolding,
        _ref("holder", ORG.member, *AGENTS, required=True),
        _enum(
            "role",
            ORG.role,
            {
                "lead": MG.Lead,
                "co-lead": MG.CoLead,
                "executive-secretary": MG.ExecutiveSecretary,
                "coordinator": MG.Coordinator,
                "president": MG.President,
                "president-elect": MG.PresidentElect,
                "vice-president": MG.VicePresident,
                "chair": MG.Chair,
                "co-chair": MG.CoChair,
                "bureau-member": MG.BureauMember,
                "member": MG.Member,
                "head": MG.Head,
                "official": MG.Official,
            },
            required=True,
        ),
        _ref(
            "of", ORG.organization, "organisation", "partnership-area", "meeting", "convention", required=True
        ),
        Field("title", MG.postTitle, "str", doc="the post's title as the source words it"),
        _date("start", SCHEMA.startDate),
        _date("end", SCHEMA.endDate),
        Field(
            "held_on",
            MG.heldOn,
            "date",
            many=True,
            doc="dates at which a source reports the post held, where its start or end is not known",
        ),
        doc="A post or role held by a person or organisation, with its dates.",
    ),
    _kind(
        "project",
        "projects.yaml",
        MG.Project,
        Field("name", RDFS.label, "str", required=True),
        _refs("funders", SCHEMA.funder, "organisation", "country"),
        _refs("implementing_agencies", MG.implementingAgency, "organisation"),
        _refs("executing_agencies", MG.executingAgency, *AGENTS),
        _refs("technical_partners", MG.technicalPartner, *AGENTS),
        _refs("countries", MG.participatingCountry, "country"),
        Field("gef_id", MG.gefProjectId, "str", pattern=r"^[0-9]+$"),
        Field("grant_usd", MG.grantAmountUSD, "decimal"),
        Field("cofinancing_usd", MG.cofinancingAmountUSD, "decimal"),
        _date("approved", MG.approvalDate),
        _date("start", SCHEMA.startDate),
        _date("end", SCHEMA.endDate),
        _ref("part_of", SCHEMA.isPartOf, "project"),
        _refs("partnership_areas", MG.partnershipArea, "partnership-area"),
        _refs("topics", DCTERMS.subject, "topic"),
        doc="A funded project or programme.",
    ),
    _kind(
        "event",
        "events.yaml",
        MG.Event,
        Field("name", RDFS.label, "str", required=True),
        _enum(
            "kind",
            MG.eventKind,
            {
                "annual-meeting": MG.AnnualMeeting,
                "workshop": MG.Workshop,
                "webinar": MG.Webinar,
                "side-event": MG.SideEvent,
                "information-session": MG.InformationSession,
                "online-series": MG.OnlineSeries,
                "session": MG.SeriesSession,
                "stream": MG.SeriesStream,
                "conference": MG.Conference,
                "meeting": MG.GroupMeeting,
                "briefing": MG.Briefing,
                "other": MG.Event,
            },
            required=True,
        ),
        _date("start", SCHEMA.startDate),
        _date("end", SCHEMA.endDate),
        _enum("format", SCHEMA.eventAttendanceMode, FORMATS),
        _ref("place", SCHEMA.location, "place"),
        _ref("venue", MG.venue, "place"),
        _refs("organisers", SCHEMA.organizer, *AGENTS),
        _refs("co_organisers", MG.coOrganiser, *AGENTS),
        _refs("supporters", SCHEMA.sponsor, *AGENTS),
        _refs("collaborators", MG.collaborator, *AGENTS),
        _refs("moderators", MG.moderator, "person"),
        _refs("partnership_areas", MG.partnershipArea, "partnership-area"),
        _refs("conventions", MG.concernsConvention, "convention"),
        _refs("topics", DCTERMS.subject, "topic"),
        _refs(
            "presents",
            MG.presents,
            "project",
            doc="projects or grants the event presents or reports on, as its sources state",
        ),
        Field("audience", SCHEMA.audience, "str", many=True, doc="intended audience, in words"),
        _ref("part_of", SCHEMA.superEvent, "event", "meeting"),
        _refs(
            "prepares",
            MG.prepares,
            "meeting",
            "event",
            doc="meetings the event prepares for or briefs on before they open, as its sources state",
        ),
        _refs(
            "reports_on",
            MG.reportsOn,
            "meeting",
            "event",
            doc="meetings the event reports on or reviews after they closed, as its sources state",
        ),
        Field("planned_sessions", MG.plannedSessionCount, "int"),
        Field("min_duration", MG.minDuration, "duration", doc="ISO 8601, e.g. PT60M"),
        Field("max_duration", MG.maxDuration, "duration", doc="ISO 8601, e.g. PT90M"),
        class_field="kind",
        doc="An event: workshop, webinar, annual meeting, online series and its sessions.",
    ),
    _kind(
        "person",
        "people.yaml",
        MG.Person,
        Field("name", RDFS.label, "str", required=True),
        _ref("nationality", SCHEMA.nationality, "country"),
        _refs("affiliations", SCHEMA.affiliation, "organisation", "country"),
        doc="A person. Posts held go in roles.yaml.",
    ),
    _kind(
        "topic",
        "topics.yaml",
        MG.Topic,
        Field("name", SKOS.prefLabel, "str", required=True),
        Field("definition", SKOS.definition, "text"),
        _ref("broader", SKOS.broader, "topic"),
        doc="A concept of the mercury-topics SKOS scheme.",
    ),
)

_KINDS: dict[str, Kind] = {k.name: k for k in _BUILT_IN}
"""The live table: the kinds above, then any registered, in order. Read it through the functions
below (a copy taken at import would miss a registered kind)."""


def kinds() -> tuple[Kind, ...]:
    """Every record kind, in the table's order (that of ``data/README.md`` and the JSON Schema)."""
    return tuple(_KINDS.values())


def kind_named(name: str) -> Kind | None:
    """The kind whose name (the IRI segment, ``meeting``) is ``name``, else None."""
    return _KINDS.get(name)


def kind_of_file(file: str) -> Kind | None:
    """The kind whose data file is named ``file`` (``meetings.yaml``), else None."""
    return next((k for k in _KINDS.values() if k.file == file), None)


def register_kind(kind: Kind) -> Kind:
    """Add a record kind: from then on the loader reads its file, ``mgraph lint`` and the JSON
    Schema know it, and ``mgraph schema`` lists it. Raises ValueError, adding nothing, when its
    name or file is taken or it refers to a kind that does not exist. Returns the kind.

    A kind of the project itself is written into the table above instead; either way its class
    (``ontology/mercury.ttl``), node shape (``ontology/shapes.ttl``) and IRI prefix
    (``namespaces.INSTANCE_KINDS``) are written by hand, and the tests say which is missing."""
    import re

    if not re.match(ID_PATTERN, kind.name) or not kind.file.endswith(".yaml") or "/" in kind.file:
        raise ValueError(f"a kind needs a lower-case name and a file NAME.yaml: {kind.name!r}, {kind.file!r}")
    taken = [k for k in _KINDS.values() if k.name == kind.name or k.file == kind.file]
    if taken:
        raise ValueError(f"kind {kind.name!r} ({kind.file}): name or file taken by {taken[0].name!r}")
    known = set(_KINDS) | {kind.name}
    unknown = sorted({t for f in kind.fields for t in f.targets} - known)
    if unknown:
        raise ValueError(f"kind {kind.name!r} refers to kinds that do not exist: {', '.join(unknown)}")
    if kind.class_field is not None and getattr(kind.field(kind.class_field), "type", None) != "enum":
        raise ValueError(f"kind {kind.name!r}: class_field {kind.class_field!r} is none of its enum fields")
    _KINDS[kind.name] = kind
    return kind


TOPIC_SCHEME = "scheme/topics"  # instance path of the topics concept scheme
