package loadtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
)

// customer is the data of one generated customer, as sent in
// POST /v1/collections/{c}/records.
type customer struct {
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Name    string `json:"name"`
	Address string `json:"address"`
}

var (
	firstNames = []string{"Alice", "Bao", "Carlos", "Dana", "Emeka", "Fiona", "Giang", "Hiro", "Ines", "Jamal", "Khanh", "Lena", "Minh", "Nora", "Omar", "Priya", "Quang", "Rosa", "Sven", "Thu"}
	lastNames  = []string{"Anderson", "Bui", "Chen", "Dang", "Evans", "Fischer", "Garcia", "Ho", "Ito", "Johnson", "Kim", "Le", "Martin", "Nguyen", "Okafor", "Pham", "Quinn", "Rossi", "Smith", "Tran"}
	streets    = []string{"Main St", "Oak Ave", "Pine Rd", "Market St", "Le Loi", "Nguyen Hue", "Mission St", "Hai Ba Trung", "Valencia St", "Tran Hung Dao"}
	cities     = []string{"San Francisco, CA 94103", "Oakland, CA 94607", "Ho Chi Minh City 700000", "Hanoi 100000", "Da Nang 550000", "San Jose, CA 95113"}
)

// newRunID returns a random hex identifier that makes this run's e-mails
// unique.
func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24
	return hex.EncodeToString(b[:])
}

// customerEmail is the e-mail of customer n of run runID.
func customerEmail(runID string, n int) string {
	return "bench-" + runID + "-" + strconv.Itoa(n) + "@example.com"
}

// customerPhone returns a valid E.164 mobile number for customer n: even n
// give Vietnamese mobiles +8491xxxxxxx, odd n give US numbers
// +1415NXXxxxx with exchange NXX in 200-999 except 555. Numbers are unique
// for the first 10^7 Vietnamese and 7.99*10^6 US customers.
func customerPhone(n int) string {
	k := n / 2
	if n%2 == 0 {
		return fmt.Sprintf("+8491%07d", k%10_000_000)
	}
	const exchanges = 999 - 200 // 200..999 without 555
	ex := 200 + (k/10_000)%exchanges
	if ex >= 555 {
		ex++
	}
	return fmt.Sprintf("+1415%03d%04d", ex, k%10_000)
}

// customerName returns a plain ASCII full name for customer n.
func customerName(n int) string {
	return firstNames[n%len(firstNames)] + " " + lastNames[(n/len(firstNames))%len(lastNames)]
}

// customerAddress returns a plain ASCII postal address for customer n.
func customerAddress(n int) string {
	return strconv.Itoa(1+n%9999) + " " + streets[(n/7)%len(streets)] + ", " + cities[(n/3)%len(cities)]
}

// newCustomer returns customer n of run runID.
func newCustomer(runID string, n int) customer {
	return customer{
		Email:   customerEmail(runID, n),
		Phone:   customerPhone(n),
		Name:    customerName(n),
		Address: customerAddress(n),
	}
}
