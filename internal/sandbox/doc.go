// Package sandbox extracts the text of untrusted documents in a child
// process that the server can bound whatever the parser does (issue 17): the
// child is killed at a deadline, caps its own address space (RLIMIT_AS on
// Linux) and Go heap (debug.SetMemoryLimit), and a pool bounds how many
// children run at once. A document that exceeds a bound is refused with
// extract.ErrTooComplex.
//
// The child is the server's own binary: `cadre extract` reads the document
// on stdin and writes the result as JSON on stdout. A Pool starts it as
// os.Executable() with the argument "extract" and the environment variable
// EnvChild set. A test binary is not `cadre`, so a package whose tests
// extract through a Pool calls ServeIfChild first in its TestMain: the pool
// then re-executes the test binary, which serves one extraction and exits
// instead of running the tests.
package sandbox
