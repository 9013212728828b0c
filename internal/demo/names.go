package demo

import (
	"math/rand/v2"
	"strings"
)

// pick returns a uniformly chosen element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Vietnamese names are written family, middle, given.
var (
	viFamily = []string{
		"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ",
		"Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
	}
	viMiddleMale   = []string{"Văn", "Minh", "Đức", "Quốc", "Hữu", "Thành"}
	viMiddleFemale = []string{"Thị", "Minh", "Ngọc", "Thu", "Thanh", "Phương"}
	viGivenMale    = []string{
		"An", "Bình", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Khoa",
		"Long", "Nam", "Phúc", "Quân", "Sơn", "Thắng", "Trí", "Tuấn", "Việt",
	}
	viGivenFemale = []string{
		"An", "Anh", "Chi", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan",
		"Linh", "Mai", "Ngân", "Nhung", "Thảo", "Thủy", "Trang", "Vy", "Yến",
	}
)

// vietnameseName returns a Vietnamese full name. About a third of
// Vietnamese people are called Nguyễn, so it is weighted accordingly.
func vietnameseName(r *rand.Rand) string {
	family := pick(r, viFamily)
	if r.IntN(100) < 30 {
		family = "Nguyễn"
	}
	middle, given := pick(r, viMiddleMale), pick(r, viGivenMale)
	if r.IntN(2) == 0 {
		middle, given = pick(r, viMiddleFemale), pick(r, viGivenFemale)
	}
	if middle == given {
		given = "Anh"
		if middle == "Anh" {
			given = "Khánh"
		}
	}
	return family + " " + middle + " " + given
}

var (
	inGivenMale = []string{
		"Aarav", "Vivaan", "Aditya", "Arjun", "Rohan", "Rahul", "Vikram",
		"Karthik", "Siddharth", "Ishaan", "Kabir", "Anil", "Suresh", "Rajesh",
	}
	inGivenFemale = []string{
		"Ananya", "Priya", "Diya", "Saanvi", "Kavya", "Meera", "Neha",
		"Pooja", "Lakshmi", "Ishita", "Aditi", "Sneha", "Divya", "Anjali",
	}
	inFamily = []string{
		"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer",
		"Nair", "Mehta", "Joshi", "Desai", "Rao", "Banerjee", "Chatterjee",
		"Das", "Menon", "Pillai", "Verma", "Agarwal", "Kapoor",
	}
)

func indianName(r *rand.Rand) string {
	given := pick(r, inGivenMale)
	if r.IntN(2) == 0 {
		given = pick(r, inGivenFemale)
	}
	return given + " " + pick(r, inFamily)
}

var (
	usGiven = []string{
		"James", "Michael", "Christopher", "Daniel", "Matthew", "David",
		"Ethan", "Jose", "Marcus", "Kevin", "Emily", "Olivia", "Sophia",
		"Madison", "Jessica", "Ashley", "Sarah", "Jennifer", "Maria", "Aisha",
	}
	usFamily = []string{
		"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
		"Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson",
		"Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Lee", "Nguyen",
		"Kim", "O'Connor",
	}
)

func usName(r *rand.Rand) string { return pick(r, usGiven) + " " + pick(r, usFamily) }

var (
	deGiven = []string{
		"Lukas", "Leon", "Felix", "Jonas", "Maximilian", "Paul", "Jürgen",
		"Stefan", "Anna", "Lena", "Sophie", "Marie", "Hannah", "Laura",
		"Jana", "Katrin",
	}
	deFamily = []string{
		"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
		"Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer",
		"Richter", "Klein", "Wolf", "Schröder", "Neumann", "Krüger", "Weiß",
	}
	frGiven = []string{
		"Jean", "Pierre", "Louis", "Hugo", "Lucas", "Théo", "François",
		"Julien", "Camille", "Léa", "Chloé", "Manon", "Inès", "Élodie",
		"Amélie", "Hélène",
	}
	frFamily = []string{
		"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
		"Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel",
		"Bertrand", "Roux", "Fontaine", "Girard",
	}
	esGiven = []string{
		"Alejandro", "Daniel", "Pablo", "Javier", "Sergio", "Carlos",
		"Álvaro", "Lucía", "María", "Paula", "Laura", "Sofía", "Carmen",
		"Elena", "Marta",
	}
	esFamily = []string{
		"García", "Rodríguez", "González", "Fernández", "López", "Martínez",
		"Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández",
		"Díaz", "Moreno", "Muñoz", "Álvarez",
	}
	itGiven = []string{
		"Marco", "Luca", "Giuseppe", "Francesco", "Alessandro", "Matteo",
		"Lorenzo", "Giulia", "Chiara", "Francesca", "Sara", "Martina",
		"Alessia", "Giorgia", "Elena",
	}
	itFamily = []string{
		"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano",
		"Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti",
		"De Luca", "Costa", "Giordano", "Mancini", "Lombardi", "Moretti",
	}
	plGivenMale = []string{
		"Jakub", "Kacper", "Szymon", "Mateusz", "Piotr", "Paweł",
		"Krzysztof", "Tomasz", "Michał", "Łukasz",
	}
	plGivenFemale = []string{
		"Anna", "Zuzanna", "Julia", "Maja", "Katarzyna", "Agnieszka",
		"Małgorzata", "Magdalena", "Joanna", "Aleksandra",
	}
	// plFamily holds masculine and feminine forms of each surname.
	plFamily = [][2]string{
		{"Nowak", "Nowak"}, {"Kowalski", "Kowalska"},
		{"Wiśniewski", "Wiśniewska"}, {"Wójcik", "Wójcik"},
		{"Kowalczyk", "Kowalczyk"}, {"Kamiński", "Kamińska"},
		{"Lewandowski", "Lewandowska"}, {"Zieliński", "Zielińska"},
		{"Szymański", "Szymańska"}, {"Woźniak", "Woźniak"},
		{"Dąbrowski", "Dąbrowska"}, {"Kozłowski", "Kozłowska"},
		{"Mazur", "Mazur"}, {"Krawczyk", "Krawczyk"},
	}
)

func germanName(r *rand.Rand) string  { return pick(r, deGiven) + " " + pick(r, deFamily) }
func frenchName(r *rand.Rand) string  { return pick(r, frGiven) + " " + pick(r, frFamily) }
func italianName(r *rand.Rand) string { return pick(r, itGiven) + " " + pick(r, itFamily) }

// spanishName returns a given name followed by the two Spanish surnames.
func spanishName(r *rand.Rand) string {
	first := pick(r, esFamily)
	second := pick(r, esFamily)
	for second == first {
		second = pick(r, esFamily)
	}
	return pick(r, esGiven) + " " + first + " " + second
}

func polishName(r *rand.Rand) string {
	family := pick(r, plFamily)
	if r.IntN(2) == 0 {
		return pick(r, plGivenMale) + " " + family[0]
	}
	return pick(r, plGivenFemale) + " " + family[1]
}

// asciiFold maps letters with diacritics to their plain ASCII spelling.
var asciiFold = func() map[rune]string {
	m := map[rune]string{
		'ä': "ae", 'ö': "oe", 'ü': "ue", 'ß': "ss",
		'đ': "d", 'ł': "l", 'ñ': "n", 'ç': "c",
	}
	groups := map[string]string{
		"a": "àáảãạăằắẳẵặâầấẩẫậą",
		"e": "èéẻẽẹêềếểễệëę",
		"i": "ìíỉĩịïî",
		"o": "òóỏõọôồốổỗộơờớởỡợ",
		"u": "ùúủũụưừứửữựû",
		"y": "ỳýỷỹỵ",
		"c": "ć",
		"n": "ń",
		"s": "ś",
		"z": "źż",
	}
	for plain, accented := range groups {
		for _, c := range accented {
			m[c] = plain
		}
	}
	return m
}()

// emailLocalParts lower-cases and transliterates a full name into ASCII
// words suitable for the local part of an e-mail address,
// e.g. "Nguyễn Văn An" → ["nguyen", "van", "an"].
func emailLocalParts(name string) []string {
	var parts []string
	for _, word := range strings.Fields(strings.ToLower(name)) {
		var b strings.Builder
		for _, c := range word {
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				b.WriteRune(c)
			case asciiFold[c] != "":
				b.WriteString(asciiFold[c])
			}
		}
		if b.Len() > 0 {
			parts = append(parts, b.String())
		}
	}
	return parts
}
