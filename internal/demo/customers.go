package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Customer is one synthetic person. Country is the ISO 3166-1 alpha-2 code
// of the country the person lives in (VN, IN, US, DE, FR, ES, IT or PL).
type Customer struct {
	Name, Email, Phone, Address, Country string
	// BirthDate is the date of birth as YYYY-MM-DD.
	BirthDate string
}

// Data returns the record body ("data" object) for the customers collection:
// the fields email, phone, name, address and birth_date.
func (c Customer) Data() map[string]any {
	return map[string]any{
		"email":      c.Email,
		"phone":      c.Phone,
		"name":       c.Name,
		"address":    c.Address,
		"birth_date": c.BirthDate,
	}
}

// Random streams, so that customers, country spread and notes are drawn from
// independent generators.
const (
	streamCustomer uint64 = 1 + iota
	streamSpread
	streamNote
)

// newRand returns a PCG generator for item i of a stream under seed.
func newRand(seed, stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix64(seed^splitmix64(stream)), splitmix64(stream<<32^i)))
}

// splitmix64 scrambles x so that nearby inputs give unrelated PCG seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// regionBlock is the regional mix of every run of ten customers:
// 40% Vietnam, 20% India, 20% US, 20% EU.
var regionBlock = [10]string{"VN", "VN", "VN", "VN", "IN", "IN", "US", "US", "EU", "EU"}

var euCountries = []string{"DE", "FR", "ES", "IT", "PL"}

var emailDomains = []string{
	"example.com", "example.net", "example.org",
	"mail.example.com", "inbox.example.net", "post.example.org",
}

// Birth dates fall between these days (ages roughly 20 to 75).
var (
	birthFrom = time.Date(1950, time.January, 1, 0, 0, 0, 0, time.UTC)
	birthTo   = time.Date(2005, time.December, 31, 0, 0, 0, 0, time.UTC)
)

// Customers returns n synthetic customers, deterministic for a seed, spread
// over Vietnam (~40%), India (~20%), US (~20%) and EU (~20%: Germany,
// France, Spain, Italy, Poland). Every block of ten customers has exactly
// that mix in a seed-dependent order. Customers(seed, m) is a prefix of
// Customers(seed, n) for m <= n. E-mail addresses are unique within the set.
func Customers(seed uint64, n int) []Customer {
	out := make([]Customer, 0, max(n, 0))
	var block [10]string
	for i := range max(n, 0) {
		if i%len(block) == 0 {
			block = regionBlock
			br := newRand(seed, streamSpread, uint64(i/len(block)))
			br.Shuffle(len(block), func(a, b int) { block[a], block[b] = block[b], block[a] })
		}
		out = append(out, customer(seed, i, block[i%len(block)]))
	}
	return out
}

// customer builds customer i (0-based) of the set for seed in region.
func customer(seed uint64, i int, region string) Customer {
	r := newRand(seed, streamCustomer, uint64(i))
	c := Customer{Country: region}
	if region == "EU" {
		c.Country = pick(r, euCountries)
	}
	switch c.Country {
	case "VN":
		c.Name, c.Phone, c.Address = vietnameseName(r), vietnamPhone(r), vietnamAddress(r)
	case "IN":
		c.Name, c.Phone, c.Address = indianName(r), indiaPhone(r), indiaAddress(r)
	case "US":
		city := pick(r, usCities)
		c.Name, c.Phone, c.Address = usName(r), usPhone(r, city.areaCode), usAddress(r, city)
	case "DE":
		c.Name, c.Phone, c.Address = germanName(r), germanyPhone(r), germanyAddress(r)
	case "FR":
		c.Name, c.Phone, c.Address = frenchName(r), francePhone(r), franceAddress(r)
	case "ES":
		c.Name, c.Phone, c.Address = spanishName(r), spainPhone(r), spainAddress(r)
	case "IT":
		c.Name, c.Phone, c.Address = italianName(r), italyPhone(r), italyAddress(r)
	case "PL":
		c.Name, c.Phone, c.Address = polishName(r), polandPhone(r), polandAddress(r)
	}
	// The index makes the address unique within one generated set.
	local := append(emailLocalParts(c.Name), strconv.Itoa(i+1))
	c.Email = strings.Join(local, ".") + "@" + pick(r, emailDomains)
	days := int(birthTo.Sub(birthFrom).Hours() / 24)
	c.BirthDate = birthFrom.AddDate(0, 0, r.IntN(days+1)).Format(time.DateOnly)
	return c
}
