"""The web desk of the reviewing bodies (``dotpha serve``): check a file in the browser, submit
it, see who is missing, download the workbooks.  A top layer beside the command line: it calls
the steps, as the commands do, and never the command line itself.  See docs/web.md."""
