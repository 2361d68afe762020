"""Product search: the tantivy index, how it is kept current, and where it is published.

Nothing here is imported by a request that does not search: the engine is a native
library whose import and index load a cold start must not pay (docs/search.md).
"""
