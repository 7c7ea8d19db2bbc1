// Package files keeps the files people upload to the modules: a Store for
// their bytes (a folder of the local disk by default; partners plug in an
// object store), the judging of an upload by its content rather than its
// name or declared type, and the headers that send one back as a download
// no browser will run.
//
// The database keeps what a file is (name, type, size, checksum, storage
// key); each module owns that record and its rules.
package files
