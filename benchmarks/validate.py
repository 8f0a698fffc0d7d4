"""Time the validation engines on synthetic graphs of our shape, and check that they agree.

    python benchmarks/validate.py                      # 10k and 100k triples, every engine
    python benchmarks/validate.py --sizes 20000 --engines native --file-sizes 100000 1000000

The graphs are made up (deterministic for a seed): conventions, COPs and their segments,
decisions, States and their legal acts, organisations, people, roles, projects, events, topics,
sources and claims, with a share of records broken on purpose (``--error-rate``) so that every
kind of constraint has something to report. Prints seconds per engine, the ratio to the fastest,
and each engine's W3C SHACL suite score beside its speed (speed is never bought with wrong
answers); then users' files: N-Triples files of those graphs, read and validated as
`mgraph validate FILE` does, in fresh interpreters (seconds and peak memory, against plain
pyoxigraph ``Store().load``), the line lookup, and the log-log slope of time against size.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import random
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mgraph.core.namespaces import MG, MGID, SCHEMA, bind_prefixes
from mgraph.validation.validate import load_ontology, superclasses

TOPIC_SCHEME = MGID["scheme/topics"]


def iri(kind: str, slug: str) -> URIRef:
    return MGID[f"{kind}/{slug}"]


def date(rng: random.Random, start: int = 2000, end: int = 2024) -> Literal:
    """A date at a random precision, as the loader types it."""
    year = rng.randint(start, end)
    precision = rng.random()
    if precision < 0.2:
        return Literal(str(year), datatype=XSD.gYear)
    if precision < 0.4:
        return Literal(f"{year}-{rng.randint(1, 12):02d}", datatype=XSD.gYearMonth)
    return Literal(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", datatype=XSD.date)


def later(rng: random.Random, first: Literal, days: int = 60) -> Literal:
    """A full date not before ``first`` (at ``first``'s precision)."""
    text = str(first)
    year = int(text[:4])
    month = int(text[5:7]) if len(text) >= 7 else 12
    day = int(text[8:10]) if len(text) == 10 else 28
    day = min(28, day + rng.randint(0, days % 28))
    return Literal(f"{year}-{month:02d}-{day:02d}", datatype=XSD.date)


class Builder:
    """Adds records to a graph; ``broken()`` says whether this record gets an error."""

    def __init__(self, seed: int, error_rate: float) -> None:
        self.rng = random.Random(seed)
        self.error_rate = error_rate
        self.graph = bind_prefixes(Graph())
        self.supers = superclasses(load_ontology())
        self.sources = [MGID[f"source/s{i}"] for i in range(20)]
        self.topics = [iri("topic", f"t{i}") for i in range(15)]
        self.n = 0

    def add(self, s, p, o) -> None:
        self.graph.add((s, p, o))

    def broken(self) -> bool:
        return self.rng.random() < self.error_rate

    def record(self, node: URIRef, classes: list[URIRef], name: str) -> None:
        """Type (with superclasses, as the loader does), label and sources; maybe broken."""
        for cls in {c for given in classes for c in (given, *self.supers.get(given, ()))}:
            self.add(node, RDF.type, cls)
        fault = self.rng.random() if self.broken() else None
        if fault is not None and fault < 0.3:
            pass  # no name
        elif fault is not None and fault < 0.5:
            self.add(node, RDFS.label, Literal(name, lang="fr"))
        else:
            self.add(node, RDFS.label, Literal(name, lang="en"))
        if fault is not None and 0.5 <= fault < 0.8:
            return  # no sources: a warning
        for source in self.rng.sample(self.sources, self.rng.randint(1, 2)):
            self.add(node, PROV.wasDerivedFrom, source)
        if fault is not None and fault >= 0.8:
            self.add(node, PROV.wasDerivedFrom, Literal("a report"))
        if self.rng.random() < 0.2:
            self.add(node, SKOS.note, Literal(f"Note on {name}.", lang="en"))

    def ref(self, choices: list[URIRef], wrong: list[URIRef]) -> URIRef:
        """A reference to the right kind of record, or (when broken) to the wrong kind."""
        return self.rng.choice(wrong if self.broken() else choices)

    def claim(self, subject: URIRef, kind: str, field: str, predicate: URIRef, value) -> None:
        claim = MGID[f"claim/{kind}/{str(subject).rsplit('/', 1)[1]}/{field}/1"]
        for cls in (MG.Claim, *self.supers.get(MG.Claim, ())):
            self.add(claim, RDF.type, cls)
        self.add(claim, RDF.subject, subject)
        self.add(claim, RDF.predicate, predicate)
        self.add(claim, RDF.object, value)
        self.add(claim, MG.disputed, Literal(True))
        if not self.broken():
            self.add(claim, PROV.wasDerivedFrom, self.rng.choice(self.sources))


def build_world(b: Builder) -> dict[str, list[URIRef]]:
    """The records every block refers to: sources, topics, a partnership, conventions."""
    for i, source in enumerate(b.sources):
        for cls in (MG.SourceDocument, *b.supers.get(MG.SourceDocument, ())):
            b.add(source, RDF.type, cls)
        b.add(source, RDFS.label, Literal(f"Source {i}", lang="en"))
        b.add(source, DCTERMS.type, MG.WebPage)
    for i, topic in enumerate(b.topics):
        b.record(topic, [MG.Topic, SKOS.Concept], f"Topic {i}")
        b.add(topic, SKOS.prefLabel, Literal(f"Topic {i}", lang="en"))
        b.add(topic, SKOS.inScheme, TOPIC_SCHEME)
        if i:
            b.add(topic, SKOS.broader, b.topics[0])
    partnership = iri("organisation", "partnership")
    b.record(partnership, [MG.Partnership, MG.Organisation], "Partnership")
    conventions = []
    for i in range(3):
        convention = iri("convention", f"c{i}")
        b.record(convention, [MG.Convention], f"Convention {i}")
        b.add(convention, MG.adoptionDate, Literal(f"{2000 + i}-10-10", datatype=XSD.date))
        b.add(
            convention,
            MG.openingForSignatureDate,
            Literal(f"{2000 + i}-10-{'09' if b.broken() else '10'}", datatype=XSD.date),
        )
        b.add(convention, MG.entryIntoForceDate, Literal(str(2005 + i), datatype=XSD.gYear))
        conventions.append(convention)
    return {"conventions": conventions, "organisations": [partnership]}


def build_block(b: Builder, world: dict[str, list[URIRef]], k: int) -> None:
    """One block of related records (about 250 triples)."""
    rng = b.rng
    convention = rng.choice(world["conventions"])
    adopted = 2000 + world["conventions"].index(convention)
    # a country and its legal acts
    country = iri("country", f"k{k}")
    b.record(country, [MG.State, SCHEMA.Country], f"Country {k}")
    code = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    b.add(country, MG.iso3166Alpha3, Literal(code.lower() if b.broken() else code))
    b.add(country, MG.iso3166Alpha2, Literal(code[:2]))
    deposit_year = rng.randint(adopted - (1 if b.broken() else 0), 2024)
    deposit = iri("legal-act", f"k{k}-ratification")
    b.record(deposit, [MG.Ratification, MG.DepositOfInstrument, MG.LegalAct], f"Ratification {k}")
    b.add(deposit, MG.actor, country)
    b.add(deposit, MG.ofConvention, convention)
    deposited = Literal(f"{deposit_year}-{rng.randint(1, 12):02d}-15", datatype=XSD.date)
    b.add(deposit, MG.actDate, deposited)
    entry = iri("legal-act", f"k{k}-entry-into-force")
    b.record(entry, [MG.EntryIntoForceForParty, MG.LegalAct], f"Entry into force {k}")
    b.add(entry, MG.actor, b.ref([country], world["conventions"]))
    b.add(entry, MG.ofConvention, convention)
    b.add(
        entry,
        MG.actDate,
        Literal(str(deposit_year - 1 if b.broken() else deposit_year + 1), datatype=XSD.gYear),
    )
    # places
    city = iri("place", f"city-{k}")
    b.record(city, [SCHEMA.City, SCHEMA.Place], f"City {k}")
    b.add(city, MG.inCountry, country)
    # a meeting with two segments, decisions
    cop = iri("meeting", f"cop-{k}")
    b.record(cop, [MG.ConferenceOfTheParties, MG.Meeting, SCHEMA.Event], f"COP {k}")
    b.add(cop, MG.ofConvention, convention)
    b.add(cop, MG.sessionNumber, Literal(k + 1))
    start = Literal(f"{rng.randint(2005, 2023)}-{rng.randint(1, 10):02d}-01", datatype=XSD.date)
    end = Literal(f"{str(start)[:7]}-20", datatype=XSD.date)
    if not b.broken():
        b.add(cop, SCHEMA.startDate, start)
    b.add(cop, SCHEMA.endDate, end)
    b.add(cop, SCHEMA.location, b.ref([city], [country]))
    b.add(cop, SCHEMA.eventAttendanceMode, MG.Online if b.broken() else SCHEMA.OfflineEventAttendanceMode)
    for seg in (1, 2):
        segment = iri("meeting", f"cop-{k}-{seg}")
        b.record(segment, [MG.MeetingSegment, MG.Meeting, SCHEMA.Event], f"COP {k} part {seg}")
        if not b.broken():
            b.add(segment, SCHEMA.superEvent, cop)
        b.add(segment, MG.segmentNumber, Literal(seg))
        day = 1 + 9 * (seg - 1)
        seg_start = Literal(f"{str(start)[:7]}-{day:02d}", datatype=XSD.date)
        b.add(segment, SCHEMA.startDate, seg_start)
        b.add(
            segment,
            SCHEMA.endDate,
            Literal(f"{str(start)[:7]}-{25 if b.broken() else day + 5:02d}", datatype=XSD.date),
        )
    person = iri("person", f"p{k}")
    b.record(person, [MG.Person], f"Person {k}")
    b.add(person, SCHEMA.nationality, b.ref([country], [city]))
    b.add(cop, MG.president, person)
    for d in range(rng.randint(4, 8)):
        decision = iri("decision", f"mc-{k}-{d + 1}")
        b.record(decision, [MG.Decision], f"Decision {k}/{d + 1}")
        code = f"MC-{k + 1}/{d + 1}" if not b.broken() else f"MC-{k + 1}/0{d + 1}"
        if rng.random() < 0.8:
            b.add(decision, DCTERMS.identifier, Literal(code))
        b.add(decision, MG.adoptedAt, b.ref([cop, iri("meeting", f"cop-{k}-2")], [city]))
        b.add(decision, MG.ofConvention, b.ref([convention], world["conventions"]))
        b.add(decision, DCTERMS.subject, b.ref(b.topics, [person]))
        if rng.random() < 0.3:
            b.add(decision, MG.requests, b.ref([country, person], b.topics))
    # an organisation, a role, a project, an event
    organisation = iri("organisation", f"o{k}")
    b.record(organisation, [MG.GovernmentBody, MG.Organisation], f"Ministry {k}")
    b.add(organisation, MG.basedIn, b.ref([country], [organisation]))
    b.add(organisation, ORG.subOrganizationOf, country)
    area = iri("partnership-area", f"a{k}")
    b.record(area, [MG.PartnershipArea], f"Area {k}")
    b.add(area, ORG.unitOf, b.ref(world["organisations"], [country]))
    role = iri("role", f"r{k}")
    b.record(role, [MG.RoleHolding], f"Role {k}")
    b.add(role, ORG.member, person)
    b.add(role, ORG.role, MG.Boss if b.broken() else MG.CoLead)
    b.add(role, ORG.organization, area)
    role_start = date(rng)
    b.add(role, SCHEMA.startDate, role_start)
    b.add(
        role,
        SCHEMA.endDate,
        Literal("1999", datatype=XSD.gYear) if b.broken() else later(rng, role_start, 400),
    )
    project = iri("project", f"pr{k}")
    b.record(project, [MG.Project], f"Project {k}")
    b.add(project, SCHEMA.funder, organisation)
    b.add(project, MG.participatingCountry, b.ref([country], [person]))
    b.add(project, MG.gefProjectId, Literal(f"GEF-{k}" if b.broken() else str(1000 + k)))
    b.add(project, MG.grantAmountUSD, Literal(f"{rng.randint(-10, 10_000) * 100}.00", datatype=XSD.decimal))
    b.add(project, MG.partnershipArea, area)
    event = iri("event", f"e{k}")
    b.record(event, [MG.Webinar, MG.Event, SCHEMA.Event], f"Webinar {k}")
    event_start = date(rng, 2015)
    b.add(event, SCHEMA.startDate, event_start)
    b.add(event, SCHEMA.endDate, later(rng, event_start, 2))
    b.add(event, SCHEMA.eventAttendanceMode, SCHEMA.OnlineEventAttendanceMode)
    b.add(event, SCHEMA.organizer, b.ref([organisation, area], b.topics))
    b.add(event, SCHEMA.superEvent, cop)
    b.add(event, MG.minDuration, Literal("PT60M", datatype=XSD.duration))
    b.add(event, SCHEMA.audience, Literal("Governments"))
    if rng.random() < 0.3:
        b.claim(cop, "meeting", "end", SCHEMA.endDate, end)


def synthetic_graph(triples: int, *, seed: int = 1, error_rate: float = 0.03) -> Graph:
    """A made-up graph of about ``triples`` triples, the same for the same arguments."""
    builder = Builder(seed, error_rate)
    world = build_world(builder)
    k = 0
    while len(builder.graph) < triples:
        build_block(builder, world, k)
        k += 1
    return builder.graph


def timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def w3c_scores(engines: list[str]) -> dict[str, str]:
    """Each engine's W3C SHACL suite score ("119/121"), so that speed is read beside correctness."""
    import importlib.util
    import logging

    logging.disable(logging.CRITICAL)  # rdflib logs ill-typed literals of the suite
    path = Path(__file__).resolve().parent.parent / "tests" / "w3c" / "suite.py"
    spec = importlib.util.spec_from_file_location("w3c_suite", path)
    assert spec is not None and spec.loader is not None
    suite = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("w3c_suite", suite)
    spec.loader.exec_module(suite)
    cases = suite.cases()
    scores = {}
    for engine in engines:
        outcomes = [suite.run(case, engine) for case in cases]
        silent = sum(o.silent_miss for o in outcomes)
        score = f"{sum(o.passed for o in outcomes)}/{len(cases)}"
        scores[engine] = score + (f" ({silent} silent)" if silent else "")
    logging.disable(logging.NOTSET)
    return scores


_MEASURE = """
import re, sys, time
sys.path.insert(0, {root!r})
start = time.perf_counter()
{code}
seconds = time.perf_counter() - start
status = open("/proc/self/status").read()  # VmHWM: this process's peak resident size
print(seconds, re.search(r"VmHWM:\\s*(\\d+)", status).group(1))
"""

_STEPS = {
    "pyoxigraph Store().load": (
        "import pyoxigraph as ox\nox.Store().load(path={path!r}, format=ox.RdfFormat.N_TRIPLES)"
    ),
    "safe parse into pyoxigraph": (
        "import pyoxigraph as ox\nfrom mgraph.core.user_files import parse_user_file\n"
        "parse_user_file({path!r}, store=ox.Store())"
    ),
    "safe parse into rdflib (pyshacl)": (
        "from mgraph.core.user_files import parse_user_file\nparse_user_file({path!r})"
    ),
    "mgraph validate FILE": (
        "from mgraph.validation.validate import validate_files\nfrom mgraph.validation.report import render\n"
        "report = validate_files([{path!r}])\nrender(report, 'json')\n"
        "print(report.count('Violation'), report.count('Warning'), report.engine, file=sys.stderr)"
    ),
}


def measure(code: str, path: Path) -> tuple[float, float, str]:
    """Seconds and peak resident MiB of ``code`` in a fresh interpreter (and what it printed)."""
    import subprocess

    root = str(Path(__file__).resolve().parent.parent)
    script = _MEASURE.format(root=root, code=code.format(path=str(path)))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    seconds, peak_kib = done.stdout.split()[-2:]
    said = done.stderr.strip().splitlines()
    return float(seconds), int(peak_kib) / 1024, said[-1] if said else ""


def users_files(sizes: list[int], seed: int, error_rate: float, folder: Path) -> None:
    """Users' files: N-Triples files of our vocabulary, read and validated as `mgraph validate` does."""
    import math

    print(
        f"\n{'triples':>8} {'step':<30} {'seconds':>8} {'x load':>7} {'peak MiB':>9} {'x load':>7}  "
        "violations warnings engine"
    )
    totals: dict[int, float] = {}
    for size in sizes:
        path = folder / f"synthetic-{size}.nt"
        if not path.exists():
            graph = synthetic_graph(size, seed=seed, error_rate=error_rate)
            graph.serialize(path, format="nt", encoding="utf-8")
            del graph
        base: tuple[float, float] | None = None
        for step, code in _STEPS.items():
            seconds, peak, said = measure(code, path)
            base = base or (seconds, peak)
            print(
                f"{size:>8} {step:<30} {seconds:>8.2f} {seconds / base[0]:>7.1f} {peak:>9.0f} "
                f"{peak / base[1]:>7.1f}  {said}"
            )
            totals[size] = seconds
        finder = line_lookup(path)
        print(f"{size:>8} {'line lookup (LineFinder)':<30} {finder:>8.2f}")
    ordered = sorted(totals)
    for first, last in itertools.pairwise(ordered):  # the aim: at most 1.1 from 100k to 1M
        slope = math.log(totals[last] / totals[first]) / math.log(last / first)
        print(f"log-log slope of `mgraph validate` time, {first} to {last} triples: {slope:.2f}")


def line_lookup(path: Path) -> float:
    """Seconds to locate one result per distinct subject of the file (the worst case)."""
    from mgraph.validation.engines.common import LineFinder
    from mgraph.validation.results import ValidationResult

    subjects = {line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line}
    results = [ValidationResult("Violation", s, None, None, "") for s in sorted(subjects)]
    seconds, _ = timed(lambda: LineFinder([(str(path), path)]).locate_all(results))
    return seconds


def main(argv: list[str] | None = None) -> None:
    import tempfile

    from mgraph.validation.validate import engine_names, validate

    engines_ = engine_names()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=engines_, choices=engines_)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--error-rate", type=float, default=0.03)
    parser.add_argument(
        "--pyshacl-max",
        type=int,
        default=20_000,
        help="skip pyshacl above this many triples (it takes minutes at 100k)",
    )
    parser.add_argument(
        "--file-sizes",
        type=int,
        nargs="*",
        default=[10_000, 100_000],
        help="sizes of the users' files measured (none: skip that part)",
    )
    parser.add_argument("--folder", type=Path, help="keep the generated N-Triples files here")
    args = parser.parse_args(argv)

    scores = w3c_scores(args.engines)
    warm = synthetic_graph(300, seed=args.seed)
    for engine in args.engines:  # imports and shape compilation are not what we measure
        validate(warm, engine=engine)
    print(
        f"{'triples':>8} {'engine':<9} {'seconds':>8} {'ratio':>6} {'violations':>10} "
        f"{'warnings':>8}  {'same results':<12}  W3C suite"
    )
    for size in args.sizes:
        graph = synthetic_graph(size, seed=args.seed, error_rate=args.error_rate)
        engines = [e for e in args.engines if e != "pyshacl" or len(graph) <= args.pyshacl_max]
        for engine in sorted(set(args.engines) - set(engines)):
            print(f"{len(graph):>8} {engine:<9} skipped (over --pyshacl-max {args.pyshacl_max})")
        runs = {engine: timed(lambda e=engine, g=graph: validate(g, engine=e)) for engine in engines}
        fastest = min(seconds for seconds, _ in runs.values())
        reference = next(iter(runs.values()))[1].results
        for engine, (seconds, report) in runs.items():
            same = "yes" if report.results == reference else "NO"
            print(
                f"{len(graph):>8} {engine:<9} {seconds:>8.2f} {seconds / fastest:>6.1f} "
                f"{report.count('Violation'):>10} {report.count('Warning'):>8}  {same:<12}  "
                f"{scores[engine]}"
            )
    if args.file_sizes:
        if args.folder:
            args.folder.mkdir(parents=True, exist_ok=True)
            users_files(args.file_sizes, args.seed, args.error_rate, args.folder)
        else:
            with tempfile.TemporaryDirectory() as folder:
                users_files(args.file_sizes, args.seed, args.error_rate, Path(folder))


if __name__ == "__main__":
    main()
