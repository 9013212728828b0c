package dbsource

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
)

// quoted matches what database servers quote in their messages: the
// offending value ("invalid input syntax for type integer: \"+84 ...\"",
// "Incorrect integer value: 'an@example.com'") as well as names.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|=\([^)]*\)`)

// safeError is err with every quoted part of the server's message blanked
// and its detail dropped: a view that fails on a row puts that row's value
// in the message, and scan errors are printed and sent to the server,
// which must never receive a full value. The relation is already named
// beside the error, and the error code is kept.
func safeError(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return fmt.Errorf("%s: %s (SQLSTATE %s)", pg.Severity, scrub(pg.Message), pg.Code)
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		return fmt.Errorf("error %d: %s", my.Number, scrub(my.Message))
	}
	return errors.New(scrub(err.Error()))
}

// scrub blanks the quoted parts of a message.
func scrub(msg string) string {
	return quoted.ReplaceAllStringFunc(msg, func(q string) string {
		switch q[0] {
		case '=':
			return "=(…)"
		default:
			return q[:1] + "…" + q[:1]
		}
	})
}
