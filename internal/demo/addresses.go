package demo

import (
	"fmt"
	"math/rand/v2"
)

// locality is a postcode area: its name, the city and region it lies in,
// its postal code and a few streets found there.
type locality struct {
	area, city, region, postcode string
	streets                      []string
}

// Vietnam: "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh, Vietnam".
// area is the ward (phường), region the district (quận).
var viLocalities = []locality{
	{"Phường Bến Nghé", "TP. Hồ Chí Minh", "Quận 1", "", []string{"Lê Lợi", "Nguyễn Huệ", "Đồng Khởi", "Hai Bà Trưng", "Lý Tự Trọng"}},
	{"Phường Bến Thành", "TP. Hồ Chí Minh", "Quận 1", "", []string{"Lê Thánh Tôn", "Lê Lai", "Nguyễn Trãi"}},
	{"Phường Võ Thị Sáu", "TP. Hồ Chí Minh", "Quận 3", "", []string{"Nam Kỳ Khởi Nghĩa", "Pasteur", "Võ Văn Tần", "Trần Quốc Thảo"}},
	{"Phường 13", "TP. Hồ Chí Minh", "Quận Tân Bình", "", []string{"Cộng Hòa", "Trường Chinh"}},
	{"Phường Tân Phong", "TP. Hồ Chí Minh", "Quận 7", "", []string{"Nguyễn Lương Bằng", "Tôn Dật Tiên"}},
	{"Phường Thảo Điền", "TP. Hồ Chí Minh", "TP. Thủ Đức", "", []string{"Xuân Thủy", "Quốc Hương", "Thảo Điền"}},
	{"Phường Hàng Trống", "Hà Nội", "Quận Hoàn Kiếm", "", []string{"Hàng Trống", "Lý Quốc Sư", "Nhà Chung"}},
	{"Phường Tràng Tiền", "Hà Nội", "Quận Hoàn Kiếm", "", []string{"Tràng Tiền", "Hàng Bài", "Ngô Quyền"}},
	{"Phường Điện Biên", "Hà Nội", "Quận Ba Đình", "", []string{"Điện Biên Phủ", "Trần Phú", "Lê Hồng Phong"}},
	{"Phường Dịch Vọng Hậu", "Hà Nội", "Quận Cầu Giấy", "", []string{"Xuân Thủy", "Trần Thái Tông", "Duy Tân"}},
	{"Phường Láng Hạ", "Hà Nội", "Quận Đống Đa", "", []string{"Láng Hạ", "Thái Hà", "Huỳnh Thúc Kháng"}},
	{"Phường Quảng An", "Hà Nội", "Quận Tây Hồ", "", []string{"Xuân Diệu", "Đặng Thai Mai", "Quảng An"}},
	{"Phường Thạch Thang", "TP. Đà Nẵng", "Quận Hải Châu", "", []string{"Bạch Đằng", "Lê Lợi", "Quang Trung"}},
	{"Phường Mỹ An", "TP. Đà Nẵng", "Quận Ngũ Hành Sơn", "", []string{"Hồ Xuân Hương", "Châu Thị Vĩnh Tế"}},
	{"Phường An Hải Bắc", "TP. Đà Nẵng", "Quận Sơn Trà", "", []string{"Phạm Văn Đồng", "Ngô Quyền"}},
	{"Phường Tân An", "TP. Cần Thơ", "Quận Ninh Kiều", "", []string{"Hai Bà Trưng", "Phan Đình Phùng"}},
	{"Phường Máy Tơ", "TP. Hải Phòng", "Quận Ngô Quyền", "", []string{"Lê Lợi", "Lê Lai"}},
	{"Phường Hoàng Văn Thụ", "TP. Hải Phòng", "Quận Hồng Bàng", "", []string{"Hoàng Văn Thụ", "Minh Khai"}},
}

func vietnamAddress(r *rand.Rand) string {
	l := pick(r, viLocalities)
	number := fmt.Sprint(1 + r.IntN(250))
	switch r.IntN(4) {
	case 0: // hẻm (alley) address
		number += fmt.Sprintf("/%d", 1+r.IntN(30))
	case 1:
		number += pick(r, []string{"A", "B", "C"})
	}
	return fmt.Sprintf("%s %s, %s, %s, %s, Vietnam", number, pick(r, l.streets), l.area, l.region, l.city)
}

// India: "Flat 302, Sai Residency, Linking Road, Bandra West, Mumbai,
// Maharashtra 400050, India".
var inLocalities = []locality{
	{"Indiranagar", "Bengaluru", "Karnataka", "560038", []string{"100 Feet Road", "12th Main Road", "CMH Road"}},
	{"Koramangala", "Bengaluru", "Karnataka", "560034", []string{"80 Feet Road", "17th Main Road"}},
	{"Andheri West", "Mumbai", "Maharashtra", "400053", []string{"Veera Desai Road", "J.P. Road"}},
	{"Bandra West", "Mumbai", "Maharashtra", "400050", []string{"Hill Road", "Linking Road", "Carter Road"}},
	{"Powai", "Mumbai", "Maharashtra", "400076", []string{"Central Avenue", "Orchard Avenue"}},
	{"Saket", "New Delhi", "Delhi", "110017", []string{"Press Enclave Marg", "Saket District Centre Road"}},
	{"Lajpat Nagar II", "New Delhi", "Delhi", "110024", []string{"Ring Road", "Lala Lajpat Rai Marg"}},
	{"T. Nagar", "Chennai", "Tamil Nadu", "600017", []string{"Usman Road", "Thyagaraya Road"}},
	{"Adyar", "Chennai", "Tamil Nadu", "600020", []string{"Lattice Bridge Road", "Gandhi Nagar 2nd Main Road"}},
	{"Banjara Hills", "Hyderabad", "Telangana", "500034", []string{"Road No. 3", "Road No. 12"}},
	{"Kothrud", "Pune", "Maharashtra", "411038", []string{"Karve Road", "Paud Road"}},
	{"Salt Lake Sector V", "Kolkata", "West Bengal", "700091", []string{"EP Block Road", "College More Road"}},
	{"Navrangpura", "Ahmedabad", "Gujarat", "380009", []string{"C.G. Road", "Swastik Society Road"}},
}

var inBuildings = []string{
	"Sai Residency", "Shanti Apartments", "Lakeview Towers", "Green Park Society",
	"Sunrise Heights", "Ganga Enclave",
}

func indiaAddress(r *rand.Rand) string {
	l := pick(r, inLocalities)
	var house string
	if r.IntN(2) == 0 {
		house = fmt.Sprintf("Flat %d%02d, %s", 1+r.IntN(12), 1+r.IntN(8), pick(r, inBuildings))
	} else {
		house = fmt.Sprintf("No. %d", 1+r.IntN(400))
	}
	return fmt.Sprintf("%s, %s, %s, %s, %s %s, India", house, pick(r, l.streets), l.area, l.city, l.region, l.postcode)
}

// usCity is a US city with its state, telephone area code, some ZIP codes
// and streets.
type usCity struct {
	city, state, areaCode string
	zips, streets         []string
}

var usCities = []usCity{
	{"New York", "NY", "212", []string{"10001", "10003", "10011", "10016", "10023", "10024", "10128"}, []string{"W 72nd St", "E 14th St", "Broadway", "Lexington Ave", "Amsterdam Ave"}},
	{"San Francisco", "CA", "415", []string{"94102", "94103", "94110", "94114", "94117", "94122"}, []string{"Market St", "Valencia St", "Mission St", "Hayes St", "Irving St"}},
	{"Chicago", "IL", "312", []string{"60601", "60605", "60607", "60610", "60654"}, []string{"N Clark St", "W Madison St", "N State St", "S Michigan Ave"}},
	{"Boston", "MA", "617", []string{"02108", "02115", "02116", "02118"}, []string{"Beacon St", "Commonwealth Ave", "Boylston St", "Tremont St"}},
	{"Seattle", "WA", "206", []string{"98101", "98102", "98103", "98109", "98122"}, []string{"Pine St", "1st Ave", "Broadway E", "N 45th St"}},
	{"Austin", "TX", "512", []string{"78701", "78704", "78705", "78751"}, []string{"Congress Ave", "S Lamar Blvd", "E 6th St", "Guadalupe St"}},
}

// usAddress returns "245 W 72nd St, Apt 5C, New York, NY 10023, USA".
func usAddress(r *rand.Rand, c usCity) string {
	street := fmt.Sprintf("%d %s", 10+r.IntN(2990), pick(r, c.streets))
	if r.IntN(2) == 0 {
		street += fmt.Sprintf(", Apt %d%c", 1+r.IntN(20), 'A'+rune(r.IntN(6)))
	}
	return fmt.Sprintf("%s, %s, %s %s, USA", street, c.city, c.state, pick(r, c.zips))
}

// EU localities: area is unused, region is the Italian province code.
var (
	deLocalities = []locality{
		{"", "Berlin", "", "10115", []string{"Invalidenstraße", "Chausseestraße"}},
		{"", "Berlin", "", "10245", []string{"Boxhagener Straße", "Simon-Dach-Straße"}},
		{"", "Berlin", "", "10437", []string{"Schönhauser Allee", "Kastanienallee"}},
		{"", "Berlin", "", "10999", []string{"Oranienstraße", "Manteuffelstraße"}},
		{"", "München", "", "80331", []string{"Sendlinger Straße", "Herzog-Wilhelm-Straße"}},
		{"", "München", "", "80799", []string{"Türkenstraße", "Amalienstraße"}},
		{"", "Hamburg", "", "20357", []string{"Schanzenstraße", "Bartelsstraße"}},
		{"", "Hamburg", "", "22765", []string{"Ottenser Hauptstraße", "Bahrenfelder Straße"}},
		{"", "Köln", "", "50674", []string{"Zülpicher Straße", "Roonstraße"}},
		{"", "Frankfurt am Main", "", "60318", []string{"Oeder Weg", "Eckenheimer Landstraße"}},
	}
	frLocalities = []locality{
		{"", "Paris", "", "75003", []string{"rue de Bretagne", "rue des Archives"}},
		{"", "Paris", "", "75011", []string{"rue Oberkampf", "boulevard Voltaire"}},
		{"", "Paris", "", "75015", []string{"rue de la Convention", "rue du Commerce"}},
		{"", "Paris", "", "75018", []string{"rue Lepic", "rue des Abbesses"}},
		{"", "Lyon", "", "69002", []string{"rue de la République", "rue Mercière"}},
		{"", "Lyon", "", "69007", []string{"avenue Jean Jaurès", "rue de Marseille"}},
		{"", "Marseille", "", "13001", []string{"rue Paradis", "cours Julien"}},
		{"", "Toulouse", "", "31000", []string{"rue d'Alsace-Lorraine", "rue du Taur"}},
		{"", "Bordeaux", "", "33000", []string{"cours de l'Intendance", "rue Sainte-Catherine"}},
		{"", "Lille", "", "59000", []string{"rue Esquermoise", "rue de Béthune"}},
	}
	esLocalities = []locality{
		{"", "Madrid", "", "28004", []string{"Calle de Fuencarral", "Calle de Hortaleza"}},
		{"", "Madrid", "", "28009", []string{"Calle de O'Donnell", "Calle de Alcalá"}},
		{"", "Madrid", "", "28013", []string{"Calle Mayor", "Calle del Arenal"}},
		{"", "Barcelona", "", "08008", []string{"Carrer del Consell de Cent", "Carrer de Mallorca"}},
		{"", "Barcelona", "", "08012", []string{"Carrer de Verdi", "Carrer Gran de Gràcia"}},
		{"", "Valencia", "", "46002", []string{"Calle de San Vicente Mártir", "Calle de la Paz"}},
		{"", "Sevilla", "", "41004", []string{"Calle Sierpes", "Calle Tetuán"}},
		{"", "Bilbao", "", "48001", []string{"Calle Ercilla", "Calle Bidebarrieta"}},
	}
	itLocalities = []locality{
		{"", "Milano", "MI", "20121", []string{"Corso Garibaldi", "Via Solferino"}},
		{"", "Milano", "MI", "20123", []string{"Via Torino", "Corso Magenta"}},
		{"", "Roma", "RM", "00153", []string{"Viale di Trastevere", "Via della Lungaretta"}},
		{"", "Roma", "RM", "00184", []string{"Via Nazionale", "Via Cavour"}},
		{"", "Torino", "TO", "10123", []string{"Via Roma", "Via Lagrange"}},
		{"", "Bologna", "BO", "40126", []string{"Via Zamboni", "Via San Vitale"}},
		{"", "Firenze", "FI", "50122", []string{"Borgo degli Albizi", "Via Ghibellina"}},
		{"", "Napoli", "NA", "80134", []string{"Via Toledo", "Via Chiaia"}},
	}
	plLocalities = []locality{
		{"", "Warszawa", "", "00-590", []string{"ul. Marszałkowska", "ul. Wilcza"}},
		{"", "Warszawa", "", "02-516", []string{"ul. Puławska", "ul. Rejtana"}},
		{"", "Kraków", "", "31-042", []string{"ul. Grodzka", "ul. Sienna"}},
		{"", "Wrocław", "", "50-077", []string{"ul. Świdnicka", "ul. Kazimierza Wielkiego"}},
		{"", "Gdańsk", "", "80-831", []string{"ul. Długa", "ul. Ogarna"}},
		{"", "Poznań", "", "61-714", []string{"ul. Święty Marcin", "ul. Ratajczaka"}},
	}
)

// germanyAddress returns "Schönhauser Allee 45, 10437 Berlin, Germany".
func germanyAddress(r *rand.Rand) string {
	l := pick(r, deLocalities)
	return fmt.Sprintf("%s %d, %s %s, Germany", pick(r, l.streets), 1+r.IntN(180), l.postcode, l.city)
}

// franceAddress returns "12 rue Oberkampf, 75011 Paris, France".
func franceAddress(r *rand.Rand) string {
	l := pick(r, frLocalities)
	number := fmt.Sprint(1 + r.IntN(120))
	if r.IntN(8) == 0 {
		number += " bis"
	}
	return fmt.Sprintf("%s %s, %s %s, France", number, pick(r, l.streets), l.postcode, l.city)
}

// spainAddress returns "Calle Mayor, 45, 3º B, 28013 Madrid, Spain".
func spainAddress(r *rand.Rand) string {
	l := pick(r, esLocalities)
	return fmt.Sprintf("%s, %d, %dº %c, %s %s, Spain",
		pick(r, l.streets), 1+r.IntN(150), 1+r.IntN(8), 'A'+rune(r.IntN(4)), l.postcode, l.city)
}

// italyAddress returns "Via Torino 12, 20123 Milano MI, Italy".
func italyAddress(r *rand.Rand) string {
	l := pick(r, itLocalities)
	return fmt.Sprintf("%s %d, %s %s %s, Italy", pick(r, l.streets), 1+r.IntN(150), l.postcode, l.city, l.region)
}

// polandAddress returns "ul. Marszałkowska 12/4, 00-590 Warszawa, Poland".
func polandAddress(r *rand.Rand) string {
	l := pick(r, plLocalities)
	return fmt.Sprintf("%s %d/%d, %s %s, Poland", pick(r, l.streets), 1+r.IntN(120), 1+r.IntN(40), l.postcode, l.city)
}
