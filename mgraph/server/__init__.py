"""``mgraph serve``: a read-only SPARQL 1.1 Protocol endpoint, a query page and entity pages.

The parts, one concern each, from the bottom up (each imports only those above it in this
list; the import test finds no cycle, imports inside functions included):

- :mod:`mgraph.server.jobs`: the typed ``Job`` and ``Reply`` that the server, the pool and a
  worker exchange (standard library only);
- :mod:`mgraph.server.worker` is the code of a query worker process (pyoxigraph only): it opens
  the store on disk read-only, or loads a copy of it into memory;
- :mod:`mgraph.server.fairuse` counts each client's query time per minute (its budget, HTTP 429);
- :mod:`mgraph.server.pool` keeps N worker processes (one kept for short queries, and a spare),
  queues jobs lightest client first, and kills and replaces a worker whose query runs past the
  time limit (counted from the request's arrival);
- :mod:`mgraph.server.dataset` prepares the on-disk pyoxigraph store the server reads
  (the built graph, users' files with their named graphs, or an existing ``--store``), and
  decides whether the workers hold it in memory (``--in-memory``);
- :mod:`mgraph.server.connections` guards uvicorn's connections (deadlines for slow clients, a
  cap below the open-file limit);
- :mod:`mgraph.server.negotiation` chooses result formats from ``Accept`` and ``format=``;
- :mod:`mgraph.server.state`: what every handler shares (``Config``, ``Server``, the one
  ``ProtocolError``, a query screened into a job and its reply into a response);
- :mod:`mgraph.server.poolstore`: the library's ``Store`` over the worker pool (for
  ``/library/<name>``'s typed binding);
- :mod:`mgraph.server.protocol` answers ``/sparql`` (SPARQL 1.1 Protocol, service description);
- :mod:`mgraph.server.wellknown` answers ``/.well-known/...`` and ``/ontology``;
- :mod:`mgraph.server.pages` renders the query page, entity pages and class pages;
- :mod:`mgraph.server.app` assembles the Starlette application (limits, CORS, access log).

This package is imported only by ``mgraph serve`` and its tests: nothing below it imports it.
"""
