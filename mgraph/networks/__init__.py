"""The graph as networks (``mgraph export``, ``analyze``, ``path``, ``search``): the name index,
names in the reader's language, name resolution, networkx views and their analysis."""
