package evalgen

import "strings"

// region is where a made-up person lives; it drives the shape of their
// name, address, phone number and identity documents.
type region int

// The regions the generator draws people from.
const (
	regionVN region = iota
	regionIN
	regionUS
	regionGB
	regionDE
	regionFR
	regionBR
	regionSG
)

// nameParts holds the name stock of one region.
type nameParts struct {
	first, middle, last []string
	surnameFirst        bool // Vietnamese and Singaporean Chinese order
}

var names = map[region]nameParts{
	regionVN: {
		last:   []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"},
		middle: []string{"Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Đức", "Thu", "Quang", "Hoài", "Bảo", "Gia"},
		first: []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long",
			"Mai", "Nam", "Ngân", "Phong", "Phương", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"},
		surnameFirst: true,
	},
	regionIN: {
		first: []string{"Rahul", "Priya", "Amit", "Anjali", "Vikram", "Sneha", "Arjun", "Kavya", "Rohan", "Deepika", "Sanjay", "Lakshmi", "Karthik", "Meera"},
		last:  []string{"Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair", "Singh", "Kumar", "Menon", "Das", "Joshi", "Rao"},
	},
	regionUS: {
		first: []string{"James", "Mary", "Michael", "Jennifer", "David", "Sarah", "Robert", "Emily", "Daniel", "Jessica", "Christopher", "Ashley"},
		last:  []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Wilson", "Anderson"},
	},
	regionGB: {
		first: []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Charlotte", "Jack", "Olivia", "Thomas", "Emily", "William", "Sophie"},
		last:  []string{"Taylor", "Clarke", "Evans", "Walker", "Wright", "Roberts", "Thompson", "Hughes", "Edwards", "Hall", "Wood", "Green"},
	},
	regionDE: {
		first: []string{"Lukas", "Hannah", "Jonas", "Lena", "Felix", "Sophie", "Maximilian", "Anna", "Jürgen", "Käthe", "Paul", "Marie"},
		last:  []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch"},
	},
	regionFR: {
		first: []string{"Louis", "Camille", "Hugo", "Léa", "Jules", "Chloé", "Théo", "Manon", "Gabriel", "Inès", "Arthur", "Zoé"},
		last:  []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Lefèvre", "Moreau", "Girard", "Rousseau"},
	},
	regionBR: {
		first: []string{"João", "Ana", "Pedro", "Mariana", "Lucas", "Juliana", "Gabriel", "Beatriz", "Rafael", "Larissa", "Thiago", "Fernanda"},
		last:  []string{"Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida", "Nascimento", "Lima", "Araújo", "Ferreira"},
	},
	regionSG: {
		last:         []string{"Tan", "Lim", "Lee", "Ng", "Wong", "Goh", "Chua", "Chan", "Teo", "Ong"},
		first:        []string{"Wei Ming", "Hui Min", "Jun Jie", "Xin Yi", "Kai Wen", "Shu Fen", "Zhi Hao", "Li Ting", "Jia Hui", "Wen Jie"},
		surnameFirst: true,
	},
}

// fullName is a person's name, with the part friends call them by.
type fullName struct {
	full, given, family string
}

// newName draws a name from a region's stock.
func newName(g *gen, r region) fullName {
	np := names[r]
	first, last := pick(g, np.first), pick(g, np.last)
	switch {
	case r == regionVN:
		return fullName{full: last + " " + pick(g, np.middle) + " " + first, given: first, family: last}
	case np.surnameFirst:
		return fullName{full: last + " " + first, given: first, family: last}
	default:
		return fullName{full: first + " " + last, given: first, family: last}
	}
}

// foldTable maps accented lower-case letters to ASCII, for e-mail local
// parts made from names.
var foldTable = func() map[rune]string {
	m := map[rune]string{'đ': "d", 'ß': "ss", 'ç': "c", 'ñ': "n"}
	for base, accented := range map[string]string{
		"a": "àáảãạăằắẳẵặâầấẩẫậä",
		"e": "èéẻẽẹêềếểễệë",
		"i": "ìíỉĩịî",
		"o": "òóỏõọôồốổỗộơờớởỡợö",
		"u": "ùúủũụưừứửữựüû",
		"y": "ỳýỷỹỵ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// asciiFold lower-cases s and strips its diacritics and spaces.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ' || r == '-':
		case r < 0x80:
			b.WriteRune(r)
		default:
			b.WriteString(foldTable[r])
		}
	}
	return b.String()
}
