"""Server mode: the WSGI app, the HTTP control API, serving (public: ``omics_mock.server``)."""
