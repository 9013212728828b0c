package mfa

import (
	"bytes"
	"image/png"

	"github.com/pquerna/otp"

	"custodia/internal/apperr"
)

// QRCode returns the PNG QR code of an existing secret's otpauth URI, so an
// enrolment that is not confirmed yet can be shown again.
func QRCode(issuer, account, secret string) ([]byte, error) {
	key, err := otp.NewKeyFromURL(keyURI(issuer, account, secret))
	if err != nil {
		return nil, apperr.Wrap(err, "mfa: parsing TOTP key URI")
	}
	img, err := key.Image(QRSize, QRSize)
	if err != nil {
		return nil, apperr.Wrap(err, "mfa: drawing TOTP QR code")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, apperr.Wrap(err, "mfa: encoding TOTP QR code")
	}
	return buf.Bytes(), nil
}
