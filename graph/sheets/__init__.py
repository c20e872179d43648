"""The concept as a workbook: one declarative column table (``columns``), reading (``read``), rows → RDF
(``to_rdf``), RDF → rows (``from_rdf``), writing the workbook (``template``) and import/export against the
store (``workbook``). Errors are per cell (``errors``)."""
