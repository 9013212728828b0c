package evalgen

// viParagraphs are Vietnamese free-text paragraphs: CRM notes, HR
// requests, delivery slips, support tickets.
var viParagraphs = []tmpl{
	{"vn", "Khách hàng {name}, sinh ngày {dob}, số CCCD {cccd}, hiện cư trú tại {addr}. Số điện thoại liên hệ: {phone}."},
	{"vn", "Kính gửi Phòng Nhân sự, tôi là {name}, CMND số {cmnd}, xin cập nhật địa chỉ thường trú mới: {addr}. Email cá nhân: {email}."},
	{"vn", "Căn cước công dân của chị {given} là {cccd}, ngày sinh {dob}; bản chụp hai mặt đã gửi qua Zalo."},
	{"vn", "Hồ sơ vay tiêu dùng: người vay {name}, số định danh cá nhân {cccd}, SĐT {phone}, thu nhập khoảng {amount} mỗi tháng."},
	{"", "Mã đơn hàng: {order}. Ngày giao hàng: {bizdate}. Người nhận: {name}, SĐT {phone}, địa chỉ {addr}. Thu hộ {amount}."},
	{"", "Ngày xuất hóa đơn {bizdate}, số hóa đơn {order}, tổng thanh toán {amount}. Người mua hàng: {name} ({email})."},
	{"", "Ứng dụng đã được cập nhật lên phiên bản {version}; bản dựng {build} sửa lỗi đăng nhập. Log lỗi gửi về tài khoản {fakeemail} trên máy chủ thử nghiệm."},
	{"", "Thẻ {card} của khách {name} đã được liên kết với ví. Mã giao dịch {badcard} đang chờ đối soát, số tiền {amount}."},
	{"", "Hộ chiếu số {passport} của ông/bà {name} sẽ hết hạn trong năm nay, đề nghị làm thủ tục gia hạn trước khi xuất cảnh."},
	{"", "Phát hiện đăng nhập bất thường từ địa chỉ IP {ip} lúc {time}; tài khoản {email} đã bị khóa tạm thời. Phiên trước đó từ {ip6}."},
	{"", "Mã SP: {sku}, số lượng {qty}, tổng tiền {amount}. Người đặt: {name}, điện thoại {phone}."},
	{"eu", "Chị {given} đang làm việc ở châu Âu, nhờ gửi tiền vào tài khoản IBAN {iban}. Lệnh chuyển trước tới {badiban} đã bị ngân hàng trả về."},
	{"vn", "Em {given}, sđt {phone}, đc: {addr}, ship giờ hành chính giúp em ạ."},
	{"", "Sáng nay {name} gọi tổng đài từ số {phone2} để hỏi về đơn {order}, hẹn giao lại vào {bizdate}."},
	{"", "Mã vận đơn {badaadhaar} đã được bàn giao cho đơn vị vận chuyển, dự kiến giao ngày {bizdate}."},
}
