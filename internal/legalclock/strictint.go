package legalclock

import (
	"errors"

	"gopkg.in/yaml.v3"
)

// strictInt is an int read from YAML that must be written as an integer:
// yaml.v3 would otherwise truncate 1.5 to 1 without a word.
type strictInt int

var errNotInteger = errors.New("not an integer")

// UnmarshalYAML implements yaml.Unmarshaler.
func (i *strictInt) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return errNotInteger
	}
	var v int
	if err := n.Decode(&v); err != nil {
		return err
	}
	*i = strictInt(v)
	return nil
}
