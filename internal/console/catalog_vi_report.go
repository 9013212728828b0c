package console

// Vietnamese for the compliance report's checks: their titles and the
// formats of their details (report.Item.Phrases).
func init() {
	addVI(map[string]string{
		"Every system holding personal data is mapped and its categories are known": "Mọi hệ thống chứa dữ liệu cá nhân đều có trên bản đồ dữ liệu, với các loại dữ liệu đã biết",
		"Every field has a documented purpose":                                      "Mọi trường dữ liệu đều có mục đích được ghi nhận",
		"Every consent has its evidence (method, notice, who collected it)":         "Mọi sự đồng ý đều có bằng chứng (phương thức, thông báo, người thu thập)",
		"Every person whose role reads personal data signs in with MFA":             "Mọi người có vai trò đọc dữ liệu cá nhân đều đăng nhập bằng xác thực đa yếu tố (MFA)",
		"Staff who must be trained hold a current training":                         "Nhân viên bắt buộc đào tạo đều có chứng nhận đào tạo còn hiệu lực",
		"Every processor receiving personal data has a signed, current DPA":         "Mọi bên xử lý nhận dữ liệu cá nhân đều có DPA đã ký và còn hiệu lực",
		"No data-subject request is overdue":                                        "Không có yêu cầu nào của chủ thể dữ liệu bị quá hạn",
		"Every collection has a retention rule":                                     "Mọi tập dữ liệu đều có quy tắc thời hạn lưu trữ",
		"The audit log's hash chain verifies":                                       "Chuỗi băm của nhật ký kiểm toán được xác minh toàn vẹn",
		"The key-encryption key was rotated within a year":                          "Khóa mã hóa khóa đã được xoay vòng trong vòng một năm",
		"No breach notification deadline has passed":                                "Không có thời hạn thông báo vi phạm nào đã qua",

		"%d systems mapped beside the vault, each with its categories":  "%d hệ thống ngoài kho đã có trên bản đồ, mỗi hệ thống kèm các loại dữ liệu",
		"Systems missing or incomplete: %d":                             "%d hệ thống còn thiếu hoặc chưa đầy đủ",
		"every field names registered purposes":                         "mọi trường đều ghi các mục đích đã đăng ký",
		"%d fields lack a documented purpose":                           "%d trường chưa có mục đích được ghi nhận",
		"every recorded grant carries its evidence":                     "mọi lần đồng ý đã ghi đều kèm bằng chứng",
		"%d problems with consent evidence":                             "%d vấn đề về bằng chứng đồng ý",
		"every active person whose role requires MFA has enrolled":      "mọi người đang hoạt động có vai trò yêu cầu MFA đều đã đăng ký MFA",
		"%d people have not enrolled in MFA":                            "%d người chưa đăng ký MFA",
		"every person whose role requires training holds a current one": "mọi người có vai trò yêu cầu đào tạo đều có chứng nhận còn hiệu lực",
		"%d people lack current training":                               "%d người chưa có chứng nhận đào tạo còn hiệu lực",
		"%d processors, none without a signed, current DPA":             "%d bên xử lý, không bên nào thiếu DPA đã ký và còn hiệu lực",
		"%d DPA problems":                                                                 "%d vấn đề về DPA",
		"no open request is past its due date":                                            "không có yêu cầu đang mở nào quá hạn",
		"%d problems with request deadlines":                                              "%d vấn đề về thời hạn yêu cầu",
		"%d open requests past a legal deadline":                                          "%d yêu cầu đang mở đã quá thời hạn luật định",
		"every collection has at least one retention rule":                                "mọi tập dữ liệu đều có ít nhất một quy tắc thời hạn lưu trữ",
		"%d collections keep data without a rule":                                         "%d tập dữ liệu lưu dữ liệu mà không có quy tắc",
		"%d entries checked up to entry %d":                                               "đã kiểm tra %d mục, đến mục số %d",
		"%d breaks in the audit chain":                                                    "%d chỗ đứt trong chuỗi kiểm toán",
		"the key-encryption key is less than a year old":                                  "khóa mã hóa khóa chưa dùng quá một năm",
		"the key-encryption key is less than a year old (last rotated %s)":                "khóa mã hóa khóa chưa dùng quá một năm (xoay vòng lần cuối ngày %s)",
		"the key-encryption key is less than a year old (never rotated; in use since %s)": "khóa mã hóa khóa chưa dùng quá một năm (chưa từng xoay vòng; dùng từ ngày %s)",
		"%d key rotation overdue":                                                         "%d lần xoay vòng khóa quá hạn",
		"%d open incidents, no notification overdue":                                      "%d sự cố đang mở, không có thông báo nào quá hạn",
		"%d notification deadlines have passed":                                           "%d thời hạn thông báo đã qua",
		"; %d notifications due now, without undue delay: %s":                             "; %d thông báo đến hạn ngay, không được chậm trễ: %s",
	})
}
