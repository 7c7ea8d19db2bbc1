// Package httpx holds incroci's HTTP conventions, shared by the platform and
// every module: the success and error bodies, the errors services return and
// how they map to statuses, strict JSON binding with validation messages in
// Italian and English, body size limits, pagination, request ids and logging.
//
// Services return the sentinel errors of this package (wrapped with context)
// or a *ValidationError; handlers pass whatever they get to Fail, which picks
// the status and writes the localised body. The raw error is logged, never
// sent.
package httpx
