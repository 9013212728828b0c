package mfa

import (
	"bytes"
	"encoding/base32"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"custodia/internal/apperr"
)

func TestNewTOTP(t *testing.T) {
	tests := []struct{ issuer, account string }{
		{"Custodia", "an@example.com"},
		{"Custodia Vault", "an.nguyen+mfa@example.com"},
		{"Nhà Kho & Co", "Nguyễn Văn An"},
		{"a/b?c#d", "x y=z&w"},
		{"Smith & Sons", "an@example.com"},
		{"a+b=c%d;e", "x+y@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.issuer, func(t *testing.T) {
			e, err := NewTOTP(tt.issuer, tt.account)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(e.URI, "otpauth://totp/") {
				t.Fatalf("URI %q is not an otpauth totp URI", e.URI)
			}
			key, err := otp.NewKeyFromURL(e.URI)
			if err != nil {
				t.Fatalf("NewKeyFromURL: %v", err)
			}
			if key.Type() != "totp" || key.Issuer() != tt.issuer || key.AccountName() != tt.account {
				t.Fatalf("key type %q issuer %q account %q, want totp %q %q", key.Type(), key.Issuer(), key.AccountName(), tt.issuer, tt.account)
			}
			if key.Secret() != e.Secret {
				t.Fatalf("URI secret %q, Enrollment.Secret %q", key.Secret(), e.Secret)
			}
			if key.Period() != 30 || key.Digits() != otp.DigitsSix || key.Algorithm() != otp.AlgorithmSHA1 {
				t.Fatalf("period %d digits %v algorithm %v, want 30, 6, SHA1", key.Period(), key.Digits(), key.Algorithm())
			}
			u, err := url.Parse(e.URI)
			if err != nil {
				t.Fatal(err)
			}
			if q := u.Query(); q.Get("issuer") != tt.issuer {
				t.Fatalf("issuer parameter %q, want %q", q.Get("issuer"), tt.issuer)
			}
			raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
			if err != nil || len(raw) != 20 {
				t.Fatalf("secret %q: %d bytes, %v; want 20 bytes of unpadded base32", e.Secret, len(raw), err)
			}
			img, err := png.Decode(bytes.NewReader(e.QRPNG))
			if err != nil {
				t.Fatalf("QR PNG does not decode: %v", err)
			}
			if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
				t.Fatalf("QR PNG is %dx%d, want 256x256", b.Dx(), b.Dy())
			}
			if _, err := ValidateTOTP(e.Secret, "000000", time.Now(), 0); err != nil && apperr.KindOf(err) == apperr.Internal {
				t.Fatalf("ValidateTOTP rejects the enrolled secret: %v", err)
			}
		})
	}
}

// TestKeyURIMatchesLibrary checks that keyURI produces the library's URI
// byte for byte when the issuer needs no query escaping.
func TestKeyURIMatchesLibrary(t *testing.T) {
	tests := []struct{ issuer, account string }{
		{"Custodia", "an@example.com"},
		{"Custodia Vault", "an.nguyen+mfa@example.com"},
		{"Nhà Kho", "Nguyễn Văn An"},
	}
	secret := []byte("12345678901234567890")
	for _, tt := range tests {
		key, err := totp.Generate(totp.GenerateOpts{
			Issuer: tt.issuer, AccountName: tt.account, Secret: secret,
			Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := keyURI(tt.issuer, tt.account, key.Secret()); got != key.URL() {
			t.Errorf("keyURI = %q, library = %q", got, key.URL())
		}
	}
}

func TestNewTOTPSecretsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		e, err := NewTOTP("Custodia", "an@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if seen[e.Secret] {
			t.Fatalf("secret %q generated twice", e.Secret)
		}
		seen[e.Secret] = true
	}
}

func TestNewTOTPBadLabel(t *testing.T) {
	tests := []struct{ name, issuer, account string }{
		{"empty issuer", "", "an@example.com"},
		{"empty account", "Custodia", ""},
		{"colon in issuer", "Custodia:Vault", "an@example.com"},
		{"colon in account", "Custodia", "an:example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewTOTP(tt.issuer, tt.account)
			ae, ok := apperr.As(err)
			if !ok || ae.Kind != apperr.Invalid || ae.Code != "invalid_totp_label" {
				t.Fatalf("NewTOTP error = %v, want Invalid invalid_totp_label", err)
			}
			if e.Secret != "" || e.URI != "" || e.QRPNG != nil {
				t.Fatalf("NewTOTP returned an enrolment with an error: %+v", e)
			}
		})
	}
}

func TestStep(t *testing.T) {
	tests := []struct {
		t    time.Time
		want int64
	}{
		{time.Unix(0, 0), 0},
		{time.Unix(29, 999999999), 0},
		{time.Unix(30, 0), 1},
		{time.Unix(59, 0), 1},
		{time.Unix(60, 0), 2},
		{time.Unix(1111111109, 0), 37037036},
		{time.Unix(20000000000, 0), 666666666},
	}
	for _, tt := range tests {
		if got := Step(tt.t); got != tt.want {
			t.Errorf("Step(%v) = %d, want %d", tt.t.Unix(), got, tt.want)
		}
	}
}

// TestQRCodeMatchesEnrollment checks that QRCode redraws exactly the QR
// code NewTOTP returned for the same issuer, account and secret.
func TestQRCodeMatchesEnrollment(t *testing.T) {
	e, err := NewTOTP("Smith & Sons", "an+mfa@example.com")
	if err != nil {
		t.Fatal(err)
	}
	q, err := QRCode("Smith & Sons", "an+mfa@example.com", e.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(q, e.QRPNG) {
		t.Fatal("QRCode differs from the enrolment's QR code")
	}
}
