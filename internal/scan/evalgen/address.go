package evalgen

import "fmt"

// place is a city with the streets and districts an address there uses.
type place struct {
	city      string
	districts []string
	streets   []string
	code      string // postal code prefix or state, by region
}

var (
	vnPlaces = []place{
		{city: "TP. Hồ Chí Minh", districts: []string{"Quận 1", "Quận 3", "Quận 5", "Quận 10", "Quận Bình Thạnh", "Quận Phú Nhuận", "Quận Tân Bình", "Quận Gò Vấp", "TP. Thủ Đức"},
			streets: []string{"Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Hai Bà Trưng", "Điện Biên Phủ", "Cách Mạng Tháng 8", "Võ Văn Tần", "Lý Thường Kiệt", "Phan Đình Phùng", "Nguyễn Thị Minh Khai"}},
		{city: "Hà Nội", districts: []string{"Quận Hai Bà Trưng", "Quận Đống Đa", "Quận Ba Đình", "Quận Cầu Giấy", "Quận Thanh Xuân", "Quận Hoàn Kiếm"},
			streets: []string{"phố Huế", "Bà Triệu", "Kim Mã", "Láng Hạ", "Xã Đàn", "Trần Duy Hưng", "Nguyễn Chí Thanh", "Hoàng Quốc Việt"}},
		{city: "Đà Nẵng", districts: []string{"Quận Hải Châu", "Quận Thanh Khê", "Quận Sơn Trà"},
			streets: []string{"Bạch Đằng", "Nguyễn Văn Linh", "Hùng Vương", "Lê Duẩn", "Trần Phú"}},
		{city: "Cần Thơ", districts: []string{"Quận Ninh Kiều", "Quận Cái Răng"},
			streets: []string{"Ba Tháng Hai", "Nguyễn Văn Cừ", "Trần Hưng Đạo", "Mậu Thân"}},
	}
	vnWards = []string{"Phường Bến Nghé", "Phường Đa Kao", "Phường 2", "Phường 7", "Phường 12", "Phường Tân Định", "Phường Láng Hạ", "Phường Thạch Thang", "Phường Xuân Khánh"}

	inPlaces = []place{
		{city: "Bengaluru", districts: []string{"Indiranagar", "Koramangala", "Jayanagar", "Whitefield"}, streets: []string{"100 Feet Road", "14th Cross Road", "CMH Road", "80 Feet Road"}, code: "5600"},
		{city: "Mumbai", districts: []string{"Andheri West", "Bandra West", "Powai", "Dadar East"}, streets: []string{"Linking Road", "S.V. Road", "Hill Road", "Hiranandani Gardens"}, code: "4000"},
		{city: "Chennai", districts: []string{"T. Nagar", "Adyar", "Velachery", "Anna Nagar"}, streets: []string{"Usman Road", "LB Road", "Second Avenue", "Gandhi Road"}, code: "6000"},
		{city: "New Delhi", districts: []string{"Lajpat Nagar", "Saket", "Dwarka Sector 10", "Karol Bagh"}, streets: []string{"Ring Road", "Press Enclave Marg", "Pusa Road", "Aurobindo Marg"}, code: "1100"},
	}
	inBuildings = []string{"Sai Residency", "Prestige Lakeside", "Shanti Apartments", "Green Park Towers", "Lotus Enclave"}

	usPlaces = []place{
		{city: "San Francisco", code: "CA 941", streets: []string{"Market St", "Valencia St", "Divisadero St", "Irving St"}},
		{city: "Austin", code: "TX 787", streets: []string{"Congress Ave", "Lamar Blvd", "Guadalupe St", "Burnet Rd"}},
		{city: "Seattle", code: "WA 981", streets: []string{"Pine St", "Aurora Ave N", "Rainier Ave S", "Madison St"}},
		{city: "Chicago", code: "IL 606", streets: []string{"N Clark St", "W Division St", "S Halsted St", "N Milwaukee Ave"}},
		{city: "Boston", code: "MA 021", streets: []string{"Commonwealth Ave", "Tremont St", "Beacon St", "Boylston St"}},
	}
	gbPlaces = []place{
		{city: "London", code: "NW1", streets: []string{"Baker Street", "Camden Road", "Albany Street", "Gloucester Avenue"}},
		{city: "Manchester", code: "M14", streets: []string{"Wilmslow Road", "Oxford Road", "Platt Lane", "Ladybarn Lane"}},
		{city: "Bristol", code: "BS8", streets: []string{"Whiteladies Road", "Park Street", "Clifton Down Road", "Queens Road"}},
		{city: "Leeds", code: "LS6", streets: []string{"Headingley Lane", "Otley Road", "Cardigan Road", "Kirkstall Lane"}},
	}
	dePlaces = []place{
		{city: "Berlin", code: "10", streets: []string{"Hauptstraße", "Schönhauser Allee", "Kastanienallee", "Karl-Marx-Straße"}},
		{city: "München", code: "80", streets: []string{"Leopoldstraße", "Sendlinger Straße", "Lindwurmstraße", "Rosenheimer Straße"}},
		{city: "Hamburg", code: "20", streets: []string{"Mönckebergstraße", "Eppendorfer Weg", "Osterstraße", "Lange Reihe"}},
		{city: "Köln", code: "50", streets: []string{"Aachener Straße", "Venloer Straße", "Zülpicher Straße", "Severinstraße"}},
	}
	frPlaces = []place{
		{city: "Paris", code: "750", streets: []string{"rue de Rivoli", "boulevard Voltaire", "rue Oberkampf", "avenue de la République"}},
		{city: "Lyon", code: "6900", streets: []string{"rue de la République", "cours Lafayette", "rue Garibaldi", "avenue Jean Jaurès"}},
		{city: "Marseille", code: "1300", streets: []string{"La Canebière", "rue Paradis", "boulevard Baille", "rue de Rome"}},
	}
	brPlaces = []place{
		{city: "São Paulo - SP", districts: []string{"Pinheiros", "Vila Mariana", "Moema", "Consolação"}, streets: []string{"Rua Augusta", "Rua dos Pinheiros", "Avenida Paulista", "Rua Domingos de Morais"}, code: "0"},
		{city: "Rio de Janeiro - RJ", districts: []string{"Copacabana", "Botafogo", "Tijuca", "Leblon"}, streets: []string{"Rua Barata Ribeiro", "Rua Voluntários da Pátria", "Rua Conde de Bonfim", "Avenida Ataulfo de Paiva"}, code: "2"},
	}
	sgStreets = []string{"Ang Mo Kio Ave 3", "Tampines St 21", "Bedok North Rd", "Jurong West St 52", "Toa Payoh Lor 1", "Yishun Ring Rd"}
)

// newAddress draws a street address in a region's usual format.
func newAddress(g *gen, r region) string {
	switch r {
	case regionVN:
		p := pick(g, vnPlaces)
		num := fmt.Sprint(g.between(1, 450))
		if g.chance(0.3) {
			num += "/" + fmt.Sprint(g.between(1, 60))
		}
		if p.city == "Hà Nội" && g.chance(0.5) {
			return fmt.Sprintf("Số %d ngõ %d %s, %s, %s", g.between(1, 80), g.between(2, 200), pick(g, p.streets), pick(g, p.districts), p.city)
		}
		return fmt.Sprintf("%s %s, %s, %s, %s", num, pick(g, p.streets), pick(g, vnWards), pick(g, p.districts), p.city)
	case regionIN:
		p := pick(g, inPlaces)
		return fmt.Sprintf("Flat %d, %s, %s, %s, %s %s%02d", g.between(1, 12)*100+g.between(1, 9), pick(g, inBuildings), pick(g, p.streets),
			pick(g, p.districts), p.city, p.code, g.between(1, 99))
	case regionUS:
		p := pick(g, usPlaces)
		apt := ""
		if g.chance(0.4) {
			apt = fmt.Sprintf(", Apt %d%c", g.between(1, 12), 'A'+rune(g.intn(6)))
		}
		return fmt.Sprintf("%d %s%s, %s, %s%02d", g.between(10, 4999), pick(g, p.streets), apt, p.city, p.code, g.between(1, 99))
	case regionGB:
		p := pick(g, gbPlaces)
		return fmt.Sprintf("%d %s, %s %s %d%s", g.between(1, 220), pick(g, p.streets), p.city, p.code, g.between(1, 9), g.letters(2, "ABDEFGHJLNPQRSTUWXYZ"))
	case regionDE:
		p := pick(g, dePlaces)
		return fmt.Sprintf("%s %d, %s%03d %s", pick(g, p.streets), g.between(1, 180), p.code, g.between(0, 999), p.city)
	case regionFR:
		p := pick(g, frPlaces)
		cp := p.code + fmt.Sprint(g.between(1, 9))
		if len(p.code) == 3 {
			cp = fmt.Sprintf("%s%02d", p.code, g.between(1, 20))
		}
		return fmt.Sprintf("%d %s, %s %s", g.between(1, 140), pick(g, p.streets), cp, p.city)
	case regionBR:
		p := pick(g, brPlaces)
		return fmt.Sprintf("%s, %d - %s, %s, %s%04d-%03d", pick(g, p.streets), g.between(10, 2500), pick(g, p.districts), p.city, p.code, g.between(1000, 9999), g.between(0, 999))
	default: // regionSG
		return fmt.Sprintf("Blk %d %s, #%02d-%02d, Singapore %d", g.between(100, 999), pick(g, sgStreets), g.between(2, 25), g.between(1, 150), g.between(310000, 829999))
	}
}
