"""The pipeline core: model, reader, validation, procurement policy, selection and library lint.

Pure functions over frozen dataclasses; `load` is the only module that reads files. May import
`tendergen.errors` and the libraries it needs; never `documents`, `review`, `interview`, `api` or `cli`.
"""
