// Package demo provides the demo schema and synthetic customers used by
// "custodia serve --demo", so a newcomer can explore the vault at once.
//
// Everything here is fictitious but shaped to pass strict validators:
// e-mail addresses use the reserved example.com, example.net and
// example.org domains (RFC 2606), phone numbers are valid mobile or
// geographic numbers in E.164 form, and names and addresses are realistic
// for Vietnam, India, the United States and several EU countries.
// Generation is deterministic for a given seed (math/rand/v2 with a PCG
// source), so tests and demos are repeatable.
package demo
