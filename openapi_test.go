package incroci_test

import "testing"

func checkAgainstOpenAPI(t *testing.T, method, mount, path string, r resp) {}
