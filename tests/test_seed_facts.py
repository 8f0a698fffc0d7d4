"""Every fact of the two seed documents is in the curated graph.

Each test is one fact of ``seed-gmp-news`` (UNEP Global Mercury Partnership news) or
``seed-minamata-online`` ("Launch of Minamata Online", 9 Sep 2020), written as a SPARQL ASK
over the graph that ``mgraph.load()`` builds from ``data/``. Losing the fact from the data (a
deleted line, a renamed id, a wrong date) turns the ASK false and fails the test.

``REFERENCE_2026`` holds one fact per new kind of fact curated from the December 2026 reference
files (issue 12): a merged decision code, a reported count with its ``as_of`` date, kept
conflicts, an event-to-project link, a project tied to a partnership area, the ISO 3166 source.
"""

from __future__ import annotations

import pytest

import mgraph
from mgraph.core.namespaces import PREFIXES, instance_prefixes
from mgraph.core.schema import kinds

HEADER = "".join(
    f"PREFIX {prefix}: <{namespace}>\n"
    for prefix, namespace in {**PREFIXES, **instance_prefixes([k.name for k in kinds()])}.items()
)


@pytest.fixture(scope="module")
def graph():
    return mgraph.load().graph


def fact(query: str, fact_id: str):
    """One seed fact: an ASK body (prefixes added) and a readable id."""
    return pytest.param(query, id=fact_id)


GMP_NEWS = [
    # --- ASGM information session, 26 June (year not stated) ------------------------------
    fact(
        """ASK { event:asgm-dos-grants-session a mg:InformationSession ;
                 schema:organizer partnership-area:gmp-asgm .
                 partnership-area:gmp-asgm a mg:PartnershipArea ; org:unitOf organisation:gmp ;
                 dcterms:subject topic:asgm . }""",
        "asgm-session-organised-by-asgm-partnership-area",
    ),
    fact(
        """ASK { event:asgm-dos-grants-session
                 schema:eventAttendanceMode schema:OnlineEventAttendanceMode ;
                 dcterms:subject topic:asgm . }""",
        "asgm-session-online-on-asgm",
    ),
    fact(
        """ASK { ?claim rdf:subject event:asgm-dos-grants-session ; rdf:predicate schema:startDate ;
                 rdf:object ?d ; mg:approximate true .
                 FILTER(SUBSTR(STR(?d), 6) = "06-26")
                 FILTER NOT EXISTS { event:asgm-dos-grants-session schema:startDate ?any } }""",
        "asgm-session-26-june-year-not-asserted",
    ),
    fact(
        """ASK { event:asgm-dos-grants-session dcterms:description ?d ;
                 prov:wasDerivedFrom source:seed-gmp-news .
                 FILTER(CONTAINS(STR(?d), "Department of State")
                        && CONTAINS(LCASE(STR(?d)), "synergies")) }""",
        "asgm-session-presented-us-state-department-grant-projects",
    ),
    # --- Mercury in Products workshop, 19-20 June 2023, Geneva ----------------------------
    fact(
        """ASK { event:products-workshop-2023 a mg:Workshop ;
                 schema:organizer partnership-area:gmp-products ;
                 schema:startDate "2023-06-19"^^xsd:date ; schema:endDate "2023-06-20"^^xsd:date . }""",
        "products-workshop-19-20-june-2023-by-products-area",
    ),
    fact(
        """ASK { event:products-workshop-2023
                 schema:eventAttendanceMode schema:OfflineEventAttendanceMode ;
                 schema:location place:geneva . place:geneva mg:inCountry country:che . }""",
        "products-workshop-in-person-in-geneva-switzerland",
    ),
    fact(
        """ASK { event:products-workshop-2023 mg:collaborator organisation:u4e .
                 organisation:u4e org:subOrganizationOf organisation:unep . }""",
        "products-workshop-with-unep-united-for-efficiency",
    ),
    fact(
        """ASK { event:products-workshop-2023 mg:collaborator organisation:clean-lighting-coalition . }""",
        "products-workshop-with-clean-lighting-coalition",
    ),
    fact(
        """ASK { event:products-workshop-2023 schema:sponsor country:che . }""",
        "products-workshop-supported-by-switzerland",
    ),
    # --- Waste event co-organised by five -------------------------------------------------
    fact(
        """ASK { event:waste-side-event-developing-countries
                 mg:coOrganiser organisation:minamata-secretariat, organisation:brs-secretariat . }""",
        "waste-event-co-organised-by-minamata-and-brs-secretariats",
    ),
    fact(
        """ASK { event:waste-side-event-developing-countries mg:coOrganiser country:bfa, country:che . }""",
        "waste-event-co-organised-by-burkina-faso-and-switzerland",
    ),
    fact(
        """ASK { event:waste-side-event-developing-countries mg:coOrganiser organisation:gmp .
                 organisation:gmp a mg:Partnership ; org:subOrganizationOf organisation:unep . }""",
        "waste-event-co-organised-by-global-mercury-partnership",
    ),
    fact(
        """ASK { event:waste-side-event-developing-countries dcterms:subject topic:waste ;
                 dcterms:description ?d . FILTER(CONTAINS(?d, "developing countries")) }""",
        "waste-event-on-mercury-waste-in-developing-countries",
    ),
    # --- 2023 BRS COPs ----------------------------------------------------------------------
    fact(
        """ASK { meeting:brs-cops-2023 a mg:BackToBackMeetings ;
                 schema:startDate "2023-05-01"^^xsd:date ; schema:endDate "2023-05-12"^^xsd:date . }""",
        "brs-cops-back-to-back-1-12-may-2023",
    ),
    fact(
        """ASK { meeting:bc-cop-16 a mg:ConferenceOfTheParties ; schema:superEvent meeting:brs-cops-2023 ;
                 mg:ofConvention convention:basel ; mg:sessionNumber 16 . }""",
        "bc-cop-16-is-16th-basel-cop-in-the-back-to-back",
    ),
    fact(
        """ASK { meeting:rc-cop-11 a mg:ConferenceOfTheParties ; schema:superEvent meeting:brs-cops-2023 ;
                 mg:ofConvention convention:rotterdam ; mg:sessionNumber 11 . }""",
        "rc-cop-11-is-11th-rotterdam-cop-in-the-back-to-back",
    ),
    fact(
        """ASK { meeting:sc-cop-11 a mg:ConferenceOfTheParties ; schema:superEvent meeting:brs-cops-2023 ;
                 mg:ofConvention convention:stockholm ; mg:sessionNumber 11 . }""",
        "sc-cop-11-is-11th-stockholm-cop-in-the-back-to-back",
    ),
    fact(
        """ASK { meeting:brs-cops-2023 mg:venue place:cicg ; schema:location place:geneva .
                 place:cicg schema:containedInPlace place:geneva ; skos:altLabel ?alt .
                 FILTER(STR(?alt) = "CICG") }""",
        "brs-cops-2023-at-cicg-geneva",
    ),
    fact(
        """ASK { meeting:brs-cops-2023 mg:theme ?t .
                 FILTER(STR(?t) = CONCAT("Accelerating action: Targets for the sound ",
                                         "management of chemicals and waste")) }""",
        "brs-cops-2023-theme",
    ),
    fact(
        """ASK { convention:basel mg:secretariat organisation:brs-secretariat .
                 convention:rotterdam mg:secretariat organisation:brs-secretariat .
                 convention:stockholm mg:secretariat organisation:brs-secretariat . }""",
        "brs-secretariat-serves-the-three-conventions",
    ),
    # --- GEF dental amalgam project -----------------------------------------------------------
    fact(
        """ASK { project:gef-dental-amalgam schema:funder organisation:gef ; rdfs:label ?n .
                 FILTER(STRSTARTS(STR(?n), "Accelerate implementation of dental amalgam provisions")) }""",
        "dental-amalgam-project-funded-by-gef",
    ),
    fact(
        """ASK { project:gef-dental-amalgam mg:implementingAgency organisation:unep ;
                 mg:executingAgency organisation:who . }""",
        "dental-amalgam-project-unep-implements-who-executes",
    ),
    fact(
        """ASK { project:gef-dental-amalgam mg:technicalPartner organisation:gmp ;
                 dcterms:subject topic:dental-amalgam . }""",
        "dental-amalgam-project-technical-assistance-from-gmp",
    ),
    # --- Partnership-area meetings of 2023 ----------------------------------------------------
    fact(
        """ASK { event:products-annual-meeting-2023 a mg:AnnualMeeting ;
                 schema:organizer partnership-area:gmp-products ; schema:startDate "2023-04-25"^^xsd:date ;
                 schema:eventAttendanceMode schema:OnlineEventAttendanceMode . }""",
        "products-annual-meeting-25-april-2023-online",
    ),
    fact(
        """ASK { event:products-annual-meeting-2023 dcterms:description ?d .
                 FILTER(CONTAINS(?d, "co-leads")) }""",
        "products-annual-meeting-introduced-new-co-leads",
    ),
    fact(
        """ASK { event:waste-annual-meeting-2023 a mg:AnnualMeeting ;
                 schema:organizer partnership-area:gmp-waste-management ;
                 schema:startDate "2023-03-15"^^xsd:date ;
                 schema:eventAttendanceMode schema:OnlineEventAttendanceMode . }""",
        "waste-annual-meeting-15-march-2023-online",
    ),
    fact(
        """ASK { event:chlor-alkali-waste-webinar-2023 a mg:Webinar ;
                 schema:organizer partnership-area:gmp-chlor-alkali, partnership-area:gmp-waste-management ;
                 schema:startDate "2023-02-16"^^xsd:date ; dcterms:subject topic:chlor-alkali . }""",
        "chlor-alkali-and-waste-joint-webinar-16-february-2023",
    ),
    fact(
        """ASK { event:cement-annual-meeting-2023 a mg:AnnualMeeting ;
                 schema:organizer partnership-area:gmp-cement ; schema:startDate "2023-02-13"^^xsd:date ;
                 schema:eventAttendanceMode schema:OnlineEventAttendanceMode . }""",
        "cement-annual-meeting-13-february-2023-online",
    ),
    fact(
        """ASK { event:cement-annual-meeting-2023 dcterms:description ?d .
                 FILTER(CONTAINS(?d, "business plan")) }""",
        "cement-annual-meeting-reviewed-draft-business-plan",
    ),
    # --- GEF skin-lightening project ------------------------------------------------------------
    fact(
        """ASK { project:gef-skin-lightening rdfs:label "Eliminating Mercury Skin Lightening Products"@en ;
                 schema:funder organisation:gef ; mg:implementingAgency organisation:unep . }""",
        "skin-lightening-project-gef-funded-unep-implemented",
    ),
    fact(
        """ASK { project:gef-skin-lightening mg:executingAgency organisation:who, organisation:bri .
                 organisation:bri skos:altLabel ?alt . FILTER(STR(?alt) = "BRI") }""",
        "skin-lightening-project-co-executed-by-who-and-bri",
    ),
    fact(
        """ASK { project:gef-skin-lightening mg:technicalPartner organisation:gmp . }""",
        "skin-lightening-project-technical-support-from-gmp",
    ),
]

MINAMATA_ONLINE = [
    fact(
        """ASK { source:seed-minamata-online a mg:SourceDocument ; dcterms:type mg:SeedDocument ;
                 dcterms:issued "2020-09-09"^^xsd:date . }""",
        "minamata-online-news-dated-9-september-2020",
    ),
    fact(
        """ASK { event:minamata-online a mg:OnlineSeries ; rdfs:label "Minamata Online"@en ;
                 schema:organizer organisation:minamata-secretariat ;
                 prov:wasDerivedFrom source:seed-minamata-online . }""",
        "minamata-online-held-by-the-secretariat",
    ),
    fact(
        """ASK { event:minamata-online schema:startDate "2020-09"^^xsd:gYearMonth ;
                 schema:endDate "2020-12"^^xsd:gYearMonth ;
                 schema:eventAttendanceMode schema:OnlineEventAttendanceMode . }""",
        "minamata-online-runs-september-to-december-2020-online",
    ),
    fact("""ASK { event:minamata-online mg:plannedSessionCount 13 . }""", "minamata-online-13-sessions"),
    fact(
        """ASK { event:minamata-online mg:minDuration ?min ; mg:maxDuration ?max .
                 FILTER(?min = "PT60M"^^xsd:duration && ?max = "PT90M"^^xsd:duration) }""",
        "minamata-online-sessions-60-to-90-minutes",
    ),
    fact(
        """ASK { { SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
                   ?s a mg:SeriesStream ; schema:superEvent event:minamata-online } } FILTER(?n = 3) }""",
        "minamata-online-has-three-streams",
    ),
    fact(
        """ASK { event:minamata-online-implementation-review a mg:SeriesStream ;
                 schema:superEvent event:minamata-online ; rdfs:label ?n .
                 FILTER(CONTAINS(LCASE(STR(?n)), "implementation review and support")) }""",
        "stream-implementation-review-and-support",
    ),
    fact(
        """ASK { event:minamata-online-mercury-science a mg:SeriesStream ;
                 schema:superEvent event:minamata-online ; rdfs:label ?n .
                 FILTER(CONTAINS(LCASE(STR(?n)), "mercury science")) }""",
        "stream-mercury-science",
    ),
    fact(
        """ASK { event:minamata-online-cop4-preparation a mg:SeriesStream ;
                 schema:superEvent event:minamata-online ; rdfs:label ?n .
                 FILTER(CONTAINS(STR(?n), "COP-4")) }""",
        "stream-preparation-for-cop-4",
    ),
    fact(
        """ASK { event:minamata-online-2020-09-17 a mg:SeriesSession ;
                 schema:superEvent event:minamata-online ; schema:startDate "2020-09-17"^^xsd:date ;
                 dcterms:subject topic:effectiveness-evaluation ; dcterms:description ?d .
                 FILTER(CONTAINS(?d, "twice")) }""",
        "first-session-17-september-2020-twice-on-effectiveness-evaluation",
    ),
    fact(
        """ASK { event:minamata-online-2020-09-15 a mg:SeriesSession ; schema:audience ?a ;
                 schema:startDate ?d . ?s schema:superEvent* event:minamata-online .
                 FILTER(?s = event:minamata-online-2020-09-15)
                 FILTER(CONTAINS(LCASE(?a), "invitation only") && SUBSTR(STR(?d), 9) = "15") }""",
        "invitation-only-expert-session-on-the-15th",
    ),
    fact(
        """ASK { event:minamata-online mg:collaborator organisation:gmp . }""",
        "minamata-online-with-global-mercury-partnership",
    ),
    fact(
        """ASK { event:minamata-online mg:collaborator organisation:icmgp .
                 organisation:icmgp a mg:ConferenceSeries ;
                 rdfs:label "International Conference on Mercury as a Global Pollutant"@en . }""",
        "minamata-online-with-icmgp",
    ),
    fact(
        """ASK { event:minamata-online mg:collaborator organisation:gen .
                 organisation:gen rdfs:label "Geneva Environment Network"@en . }""",
        "minamata-online-with-geneva-environment-network",
    ),
    fact(
        """ASK { event:minamata-online schema:audience "government officials", "scientists", "NGOs",
                 "other stakeholders" . }""",
        "minamata-online-audience",
    ),
    fact(
        """ASK { event:minamata-online dcterms:subject topic:national-reporting, topic:trade,
                 topic:emissions, topic:waste, topic:contaminated-sites, topic:mercury-material-flows,
                 topic:air-transport-and-fate, topic:socio-economic-impacts . }""",
        "minamata-online-session-topics",
    ),
    fact(
        """ASK { ?r a mg:RoleHolding ; org:member person:monika-stankiewicz ;
                 org:role mg:ExecutiveSecretary ; org:organization organisation:minamata-secretariat ;
                 prov:wasDerivedFrom source:seed-minamata-online .
                 person:monika-stankiewicz rdfs:label "Monika Stankiewicz"@en . }""",
        "monika-stankiewicz-executive-secretary",
    ),
    fact(
        """ASK { convention:minamata rdfs:label "Minamata Convention on Mercury"@en ;
                 mg:secretariat organisation:minamata-secretariat ; dcterms:subject topic:health ;
                 dcterms:description ?d . FILTER(CONTAINS(?d, "human health")) }""",
        "minamata-convention-protects-health-and-environment",
    ),
    fact(
        """ASK { meeting:cop-4 a mg:ConferenceOfTheParties ; mg:sessionNumber 4 ;
                 mg:ofConvention convention:minamata ; schema:location place:bali .
                 place:bali mg:inCountry country:idn . }""",
        "cop-4-in-bali-indonesia",
    ),
    fact(
        """ASK { meeting:cop-4-1 a mg:MeetingSegment ; schema:superEvent meeting:cop-4 ;
                 mg:segmentNumber 1 ; schema:eventAttendanceMode schema:OnlineEventAttendanceMode . }""",
        "cop-4-first-segment-online",
    ),
    fact(
        """ASK { meeting:cop-4-2 a mg:MeetingSegment ; schema:superEvent meeting:cop-4 ;
                 mg:segmentNumber 2 ; schema:location place:bali ;
                 schema:eventAttendanceMode schema:OfflineEventAttendanceMode . }""",
        "cop-4-second-segment-in-person-in-bali",
    ),
    fact(
        """ASK { meeting:cop-5 a mg:ConferenceOfTheParties ; mg:sessionNumber 5 ;
                 schema:startDate "2023-10-30"^^xsd:date ; schema:endDate "2023-11-03"^^xsd:date ;
                 schema:location place:geneva ; mg:hostCountry country:che . }""",
        "cop-5-30-october-to-3-november-2023-geneva",
    ),
    fact(
        """ASK { decision:mc-5-3 a mg:Decision ; dcterms:identifier "MC-5/3" ;
                 mg:adoptedAt meeting:cop-5 ; mg:ofConvention convention:minamata . }""",
        "decision-mc-5-3-adopted-at-cop-5",
    ),
    fact(
        # issue 19: the seed item of September 2020 predates the decision, so it is not its source
        """ASK { decision:mc-5-3 mg:requests organisation:minamata-secretariat .
                 FILTER NOT EXISTS { decision:mc-5-3 prov:wasDerivedFrom source:seed-minamata-online } }""",
        "mc-5-3-requests-the-secretariat",
    ),
    fact(
        """ASK { decision:mc-5-3 rdfs:label ?n ; dcterms:subject topic:trade ;
                 mg:concernsProvision provision:minamata-art-3 .
                 FILTER(CONTAINS(LCASE(STR(?n)), "mercury compounds")) }""",
        "mc-5-3-study-of-mercury-compounds-supply-and-trade",
    ),
]


GEF_PAGE = "https://minamataconvention.org/en/implementation/gef"
SESSION = (
    "https://unep.org/globalmercurypartnership/events/unep-event/"
    "webinar-us-department-state-mercury-grants-artisanal-and-small-scale-gold-mining"
)

REFERENCE_2026 = [
    fact(
        f"""ASK {{ decision:cop-1-gef-guidance dcterms:identifier "MC-1/5" ; mg:adoptedAt meeting:cop-1 ;
                 skos:note ?n .
                 ?c rdf:subject decision:cop-1-gef-guidance ; rdf:predicate dcterms:identifier ;
                    rdf:object "MC-1/5" ; prov:wasDerivedFrom <{GEF_PAGE}> .
                 FILTER(CONTAINS(?n, "Merged with decision MC-1/5")) }}""",
        "merged-code-mc-1-5-into-cop-1-gef-guidance-with-its-source",
    ),
    fact(
        f"""ASK {{ decision:cop-6-financial-mechanism dcterms:identifier "MC-6/10" ;
                 mg:adoptedAt meeting:cop-6 .
                 ?c rdf:subject decision:cop-6-financial-mechanism ; rdf:object "MC-6/10" ;
                    prov:wasDerivedFrom <{GEF_PAGE}> . }}""",
        "first-cop-6-code-mc-6-10",
    ),
    fact(
        """ASK { decision:cop-3-effectiveness-evaluation dcterms:identifier "MC-3/10" ;
                 dcterms:title ?t ; rdfs:label ?t .
                 FILTER(STR(?t) = CONCAT("Arrangements for the first effectiveness evaluation ",
                                         "of the Minamata Convention on Mercury")) }""",
        "quoted-title-mc-3-10-as-name-and-title",
    ),
    fact(
        f"""ASK {{ decision:mc-5-7 dcterms:identifier "MC-5/7" ; rdfs:label "Decision MC-5/7"@en ;
                 dcterms:subject topic:financial-mechanism ; prov:wasDerivedFrom <{GEF_PAGE}> .
                 FILTER NOT EXISTS {{ decision:mc-5-7 dcterms:title ?t }} }}""",
        "untitled-code-mc-5-7-named-by-its-code-only",
    ),
    fact(
        """ASK { ?c rdf:subject convention:minamata ; rdf:predicate mg:reportedPartyCount ;
                 rdf:object 153 ; dcterms:valid "2025-11"^^xsd:gYearMonth ;
                 prov:wasDerivedFrom <https://www.aretenews.com/minamata-global-phase-out-dental-amalgam> .
                 convention:minamata mg:reportedPartyCount 153 .
                 FILTER NOT EXISTS { ?c mg:disputed true } }""",
        "reported-count-153-as-of-november-2025-not-a-conflict",
    ),
    fact(
        """ASK { ?c rdf:subject convention:minamata ; rdf:predicate mg:reportedPartyCount ;
                 rdf:object 11 ; dcterms:valid "2015-05"^^xsd:gYearMonth .
                 FILTER NOT EXISTS { convention:minamata mg:reportedPartyCount 11 } }""",
        "reported-count-11-as-of-may-2015-kept-as-claim-only",
    ),
    fact(
        """ASK { ?a rdf:subject convention:minamata ; rdf:object 52 ;
                 dcterms:valid "2017-05-18"^^xsd:date ; mg:disputed true ; mg:preferred true .
                 ?b rdf:subject convention:minamata ; rdf:object 51 ;
                 dcterms:valid "2017-05-18"^^xsd:date ; mg:disputed true ; mg:preferred false . }""",
        "conflict-51-vs-52-parties-on-18-may-2017",
    ),
    fact(
        """ASK { legal-act:jam-deposit mg:actDate "2017-06-19"^^xsd:date .
                 ?c rdf:subject legal-act:jam-deposit ; rdf:predicate mg:actDate ;
                    rdf:object "2017-07-19"^^xsd:date ; mg:disputed true ; mg:preferred false ;
                    prov:wasDerivedFrom ?ecolex . FILTER(CONTAINS(STR(?ecolex), "ECOLEX_MEM")) }""",
        "conflict-jamaica-deposit-ecolex-kept",
    ),
    fact(
        """ASK { ?c rdf:subject legal-act:sgp-ratification ; rdf:object "2017-09-27"^^xsd:date ;
                    mg:disputed true .
                 ?k rdf:subject legal-act:kir-deposit ; rdf:object "2017-07-18"^^xsd:date ;
                    mg:disputed true . }""",
        "conflict-singapore-and-kiribati-deposits-ecolex-kept",
    ),
    fact(
        """ASK { decision:cop-6-dental-amalgam mg:phaseOutDeadline "2034"^^xsd:gYear .
                 ?a rdf:subject decision:cop-6-dental-amalgam ; rdf:object "2035-01-01"^^xsd:date ;
                    mg:disputed true .
                 ?b rdf:subject decision:cop-6-dental-amalgam ; rdf:object "2037"^^xsd:gYear ;
                    mg:disputed true ; prov:wasDerivedFrom ?irib .
                 FILTER(STRSTARTS(STR(?irib), "https://www.iribnews.ir/")) }""",
        "conflict-dental-amalgam-phase-out-2034-2035-2037",
    ),
    fact(
        """ASK { ?c rdf:subject meeting:cop-5 ; rdf:predicate mg:reportedDecisionCount ; rdf:object 23 ;
                 mg:disputed true ; prov:wasDerivedFrom ?ec .
                 FILTER(STR(?ec) = CONCAT("https://ec.europa.eu/newsroom/env/redirection/item/",
                                          "816151/default/2315")) }""",
        "conflict-cop-5-decision-count-23-second-source",
    ),
    fact(
        f"""ASK {{ event:asgm-dos-grants-session mg:presents project:dos-asgm-formalization .
                 project:dos-asgm-formalization schema:funder organisation:us-dos-oes .
                 ?c rdf:subject event:asgm-dos-grants-session ; rdf:predicate mg:presents ;
                    prov:wasDerivedFrom <{SESSION}> .
                 FILTER NOT EXISTS {{ event:asgm-dos-grants-session
                                      mg:presents project:dos-asgm-latin-america }} }}""",
        "asgm-session-presents-the-formalization-grant-only",
    ),
    fact(
        # issue 19: the source says only that the grantee presented at a session the area organised
        """ASK { project:dos-asgm-formalization dcterms:subject topic:asgm .
                 event:asgm-dos-grants-session mg:presents project:dos-asgm-formalization ;
                                               schema:organizer partnership-area:gmp-asgm .
                 FILTER NOT EXISTS { project:dos-asgm-formalization mg:partnershipArea ?area } }""",
        "formalization-grant-presented-at-a-session-the-asgm-area-organised",
    ),
    fact(
        """ASK { country:jam prov:wasDerivedFrom source:iso-3166-1 ; mg:iso3166Alpha3 "JAM" .
                 source:iso-3166-1 schema:url <https://salsa.debian.org/iso-codes-team/iso-codes> .
                 FILTER NOT EXISTS { ?c mg:iso3166Alpha2 ?code .
                                     FILTER NOT EXISTS { ?c prov:wasDerivedFrom source:iso-3166-1 } } }""",
        "every-iso-coded-country-cites-the-iso-3166-source",
    ),
    fact(
        """ASK { ?c rdf:subject meeting:cop-7 ; rdf:predicate schema:startDate ;
                 rdf:object "2027"^^xsd:gYear ; mg:approximate true ;
                 prov:wasDerivedFrom <https://www.environewsnigeria.com/?p=82380> .
                 FILTER NOT EXISTS { meeting:cop-7 schema:startDate ?any } }""",
        "cop-7-in-2027-approximate-only",
    ),
    fact(
        """ASK { role:marie-claire-lhenry-cop-7-president-elect org:role mg:PresidentElect ;
                 org:organization meeting:cop-7 ; schema:startDate "2025-11-07"^^xsd:date . }""",
        "cop-7-president-elect-from-the-close-of-cop-6",
    ),
    fact(
        """ASK { meeting:eeg-2026-02 schema:startDate "2026-02-09"^^xsd:date ;
                 schema:endDate "2026-02-11"^^xsd:date ; schema:location place:geneva .
                 ?r1 org:role mg:CoChair ; org:organization meeting:eeg-2026-02 ;
                     org:member person:katerina-sebkova .
                 ?r2 org:role mg:CoChair ; org:organization meeting:eeg-2026-02 ;
                     org:member person:linroy-christian . }""",
        "effectiveness-evaluation-group-met-in-geneva-with-two-co-chairs",
    ),
]


@pytest.mark.parametrize("query", GMP_NEWS + MINAMATA_ONLINE + REFERENCE_2026)
def test_seed_fact(graph, query: str) -> None:
    assert graph.query(HEADER + query).askAnswer


@pytest.mark.parametrize("query", GMP_NEWS + MINAMATA_ONLINE + REFERENCE_2026)
def test_seed_fact_fails_without_the_data(query: str) -> None:
    """No ASK is true by construction: on an empty graph every one is false."""
    from rdflib import Graph

    assert not Graph().query(HEADER + query).askAnswer


def test_every_seed_fact_is_checked_once() -> None:
    ids = [p.id for p in GMP_NEWS + MINAMATA_ONLINE + REFERENCE_2026]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 40
