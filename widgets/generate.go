package widgets

//go:generate go run ./internal/cmd/build
