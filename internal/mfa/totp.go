package mfa

import (
	"bytes"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"custodia/internal/apperr"
)

// TOTP parameters. They are fixed: authenticator apps that ignore the
// otpauth parameters assume exactly these.
const (
	Period     = 30 // seconds per step
	Digits     = 6  // digits per code
	SecretSize = 20 // secret length in bytes (160 bits, as RFC 4226 recommends)
	QRSize     = 256
)

// Enrollment is what a user needs to add an account to an authenticator
// app. Secret is the shared secret to store (encrypted) for [ValidateTOTP];
// URI and QRPNG carry the same secret and must only be shown to the user
// during enrolment.
type Enrollment struct {
	Secret string // base32 (RFC 4648), upper case, no padding
	URI    string // otpauth://totp/... key URI
	QRPNG  []byte // QRSize x QRSize PNG of URI
}

// errLabel is returned by NewTOTP for an unusable issuer or account name.
var errLabel = apperr.New(apperr.Invalid, "invalid_totp_label",
	"TOTP issuer and account name must be non-empty and must not contain a colon")

// NewTOTP generates a random TOTP secret for account at issuer and returns
// it with its otpauth URI and a QR code of that URI. issuer and account must
// be non-empty and free of colons (the key URI format uses a colon to
// separate them); otherwise the error is an [*apperr.Error] of kind
// [apperr.Invalid] with code "invalid_totp_label".
func NewTOTP(issuer, account string) (Enrollment, error) {
	if issuer == "" || account == "" || strings.Contains(issuer, ":") || strings.Contains(account, ":") {
		c := *errLabel
		return Enrollment{}, &c
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      Period,
		SecretSize:  SecretSize,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return Enrollment{}, apperr.Wrap(err, "mfa: generating TOTP key")
	}
	// The otp library escapes query values with url.PathEscape, which
	// leaves '&' and '+' alone, so an issuer such as "Smith & Sons" would
	// be cut short by every authenticator app. Rebuild the URI with proper
	// query escaping; for other issuers it is byte-for-byte the same.
	key, err = otp.NewKeyFromURL(keyURI(issuer, account, key.Secret()))
	if err != nil {
		return Enrollment{}, apperr.Wrap(err, "mfa: parsing TOTP key URI")
	}
	img, err := key.Image(QRSize, QRSize)
	if err != nil {
		return Enrollment{}, apperr.Wrap(err, "mfa: drawing TOTP QR code")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrollment{}, apperr.Wrap(err, "mfa: encoding TOTP QR code")
	}
	return Enrollment{Secret: key.Secret(), URI: key.URL(), QRPNG: buf.Bytes()}, nil
}

// keyURI returns the otpauth key URI for a TOTP secret, in the format and
// parameter order of the otp library, with query values escaped as in
// url.QueryEscape except that a space is %20 (some apps do not decode +).
func keyURI(issuer, account, secret string) string {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	u := url.URL{
		Scheme: "otpauth",
		Host:   "totp",
		Path:   "/" + issuer + ":" + account,
		RawQuery: "algorithm=SHA1&digits=" + strconv.Itoa(Digits) + "&issuer=" + esc(issuer) +
			"&period=" + strconv.Itoa(Period) + "&secret=" + esc(secret),
	}
	return u.String()
}

// Step returns the TOTP time step of t: t.Unix()/30.
func Step(t time.Time) int64 {
	return t.Unix() / Period
}
