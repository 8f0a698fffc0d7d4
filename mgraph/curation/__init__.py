"""For curators: the canonical form of data files (``mgraph lint``) and the data format as JSON
Schema and Markdown (``mgraph schema``)."""
