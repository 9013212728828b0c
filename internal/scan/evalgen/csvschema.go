package evalgen

// column is one column of a CSV export: its header, how often a row fills
// it, and the templates a filled cell is drawn from.
type column struct {
	header string
	fill   float64
	cells  []string
}

// schema is a CSV export layout: its language, the region group of the
// people in its rows, whether Corpus uses it, and its columns.
type schema struct {
	lang, need string
	corpus     bool
	cols       []column
}

// schemas are CRM, order, payment, KYC, HR and access-log exports.
var schemas = []schema{
	{"vi", "vn", true, []column{ // CRM export
		{"Mã KH", 1, []string{"{khid}"}},
		{"Họ tên", 0.97, []string{"{name}"}},
		{"SĐT", 0.8, []string{"{phone}"}},
		{"Email", 0.4, []string{"{email}"}},
		{"CCCD", 0.25, []string{"{cccd}"}},
		{"Ngày sinh", 0.3, []string{"{dob}"}},
		{"Địa chỉ", 0.4, []string{"{addr}"}},
		{"Hạng TV", 0.9, []string{"Vàng", "Bạc", "Đồng", "Kim cương"}},
		{"Ngày tạo", 1, []string{"{bizdate}"}},
		{"Nguồn", 0.9, []string{"Facebook", "Zalo OA", "Website", "Cửa hàng", "Shopee", "Giới thiệu"}},
		{"Trạng thái", 0.9, []string{"Đang chăm sóc", "Đã mua hàng", "Tiềm năng", "Ngừng liên hệ", "Chờ gọi lại"}},
		{"Tổng chi tiêu", 0.8, []string{"{amount}"}},
		{"Ghi chú", 0.3, []string{"Khách VIP", "Gọi lại sau {time}", "SĐT phụ: {phone2}", "Giao giờ hành chính", "Đã xác minh CCCD",
			"CMND cũ: {cmnd}", `Hay đặt qua Zalo, tên "bé Na"`, "Đơn gần nhất {order}", "Căn cước {cccd}"}},
	}},
	{"vi", "", true, []column{ // order export
		{"Mã đơn hàng", 1, []string{"{order}"}},
		{"Ngày giao hàng", 0.9, []string{"{bizdate}"}},
		{"Khách hàng", 0.95, []string{"{name}"}},
		{"SĐT", 0.85, []string{"{phone}"}},
		{"Địa chỉ giao hàng", 0.8, []string{"{addr}"}},
		{"Mã SP", 0.9, []string{"{sku}"}},
		{"SL", 1, []string{"{qty}"}},
		{"Tổng tiền", 1, []string{"{amount}"}},
		{"Ghi chú", 0.3, []string{"Giao giờ hành chính", "Gọi trước khi giao", "Đã thanh toán thẻ {card}", "Mã giao dịch {badcard}", "Cho xem hàng"}},
	}},
	{"vi", "", false, []column{ // HR export
		{"Mã NV", 1, []string{"{nvid}"}},
		{"Họ tên", 1, []string{"{name}"}},
		{"Quốc tịch", 0.9, []string{"{nation}"}},
		{"Số hộ chiếu", 0.4, []string{"{passport}"}},
		{"Ngày sinh", 0.7, []string{"{dob}"}},
		{"Email", 0.6, []string{"{email}"}},
		{"SĐT", 0.6, []string{"{phone}"}},
		{"Phòng ban", 0.9, []string{"Kinh doanh", "Kế toán", "Kỹ thuật", "Hành chính, Nhân sự"}},
		{"Chức danh", 0.9, []string{"Nhân viên", "Trưởng nhóm", "Chuyên viên cao cấp", "Thực tập sinh"}},
		{"Ngày vào làm", 0.9, []string{"{bizdate}"}},
	}},
	{"en", "us", true, []column{ // CRM export
		{"Customer ID", 1, []string{"{custid}"}},
		{"Full name", 0.97, []string{"{name}"}},
		{"Phone", 0.7, []string{"{phone}"}},
		{"Email", 0.55, []string{"{email}"}},
		{"SSN", 0.25, []string{"{ssn}", "{ssnbare}"}},
		{"DOB", 0.3, []string{"{dob}"}},
		{"Address", 0.45, []string{"{addr}"}},
		{"Segment", 0.9, []string{"Retail", "SMB", "Enterprise"}},
		{"Created", 1, []string{"{bizdate}"}},
		{"Source", 0.9, []string{"Web", "Referral", "Store", "Paid search", "Trade show"}},
		{"Status", 0.9, []string{"Active", "Churned", "Prospect", "Lead - nurture", "Onboarding"}},
		{"Tags", 0.6, []string{"newsletter", "vip;newsletter", "b2b;renewal-q3", "churn-risk", "webinar-2024"}},
		{"Lifetime value", 0.8, []string{"{amount}"}},
		{"Notes", 0.3, []string{"Prefers email", "Alt phone: {phone2}", "Do not call", "Card on file {card}", `Met at "Expo 2024"`, "Spouse: {other}"}},
	}},
	{"en", "eu", true, []column{ // payments export
		{"Invoice no", 1, []string{"{order}"}},
		{"Invoice date", 1, []string{"{bizdate}"}},
		{"Customer", 0.95, []string{"{name}"}},
		{"Email", 0.7, []string{"{email}"}},
		{"Card number", 0.35, []string{"{card}"}},
		{"IBAN", 0.4, []string{"{iban}"}},
		{"Reference", 0.5, []string{"{badcard}", "{badiban}"}},
		{"Amount", 1, []string{"{amount}"}},
	}},
	{"en", "in", true, []column{ // KYC export
		{"Name", 1, []string{"{name}"}},
		{"Mobile", 0.85, []string{"{phone}"}},
		{"PAN", 0.6, []string{"{pan}"}},
		{"Aadhaar", 0.45, []string{"{aadhaar}"}},
		{"DOB", 0.5, []string{"{dob}"}},
		{"City", 0.9, []string{"Mumbai", "Bengaluru", "Chennai", "Pune", "Hyderabad"}},
		{"Account type", 0.9, []string{"Savings", "Current", "Demat", "Salary account"}},
		{"KYC status", 1, []string{"Verified", "Pending", "Rejected - blurred image", "Re-submitted"}},
		{"Remarks", 0.35, []string{"Video KYC done", "Consignment {badaadhaar}", "Address: {addr}", "Re-KYC due"}},
	}},
	{"en", "", true, []column{ // access log export
		{"timestamp", 1, []string{"{ts}"}},
		{"user", 0.9, []string{"{email}", "{email}", "{fakeemail}"}},
		{"ip", 1, []string{"{ip}", "{ip}", "{ip6}"}},
		{"client", 0.8, []string{"{version}", "{build}"}},
		{"action", 1, []string{"login", "logout", "export", "password_reset", "view_profile"}},
	}},
	{"en", "", false, []column{ // travel bookings
		{"Full name", 1, []string{"{name}"}},
		{"Nationality", 0.9, []string{"{nation}"}},
		{"Passport No", 0.8, []string{"{passport}"}},
		{"Date of birth", 0.7, []string{"{dob}"}},
		{"Email", 0.6, []string{"{email}"}},
		{"Phone", 0.5, []string{"{phone}"}},
		{"Booking ref", 1, []string{"{pnr}"}},
		{"Flight", 1, []string{"VN 0{qty}1", "SQ 18{qty}", "AI 3{qty}0", "LH 7{qty}2"}},
		{"Departure", 1, []string{"{bizdate}"}},
		{"Fare class", 0.8, []string{"Economy", "Premium Economy", "Business"}},
	}},
}
