package console

// Vietnamese for the account page and password resets.
func init() {
	addVI(map[string]string{
		"Your account": "Tài khoản của bạn",
		"The person changed since this page was shown (their password may just have been reset): nothing was done. Open the users list to reset it again.": "Người này đã thay đổi kể từ khi trang được mở (mật khẩu có thể vừa được đặt lại): không có gì được thực hiện. Hãy mở danh sách người dùng để đặt lại lần nữa.",
		"Who you are":                "Thông tin của bạn",
		"Change your password":       "Đổi mật khẩu",
		"New password":               "Mật khẩu mới",
		"New password again":         "Nhập lại mật khẩu mới",
		"Change the password":        "Đổi mật khẩu",
		"Replace your authenticator": "Thay ứng dụng xác thực",
		"At least 12 characters; a few words are easier to remember than symbols. Not a common password, not your e-mail address.": "Ít nhất 12 ký tự; vài từ ghép lại dễ nhớ hơn các ký hiệu. Không dùng mật khẩu phổ biến hay địa chỉ e-mail của bạn.",
		"All your sessions end when the password changes, this one too: you then sign in with the new password.":                   "Khi đổi mật khẩu, mọi phiên đăng nhập của bạn đều kết thúc, kể cả phiên này: sau đó hãy đăng nhập bằng mật khẩu mới.",
		"The two new passwords differ. Type the same new password twice.":                                                          "Hai mật khẩu mới không giống nhau. Hãy nhập cùng một mật khẩu mới hai lần.",
		"Your current password is not right.":                                                   "Mật khẩu hiện tại không đúng.",
		"Too many wrong passwords. Wait a few minutes before trying again.":                     "Nhập sai mật khẩu quá nhiều lần. Hãy đợi vài phút rồi thử lại.",
		"Your password is changed and your sessions have ended. Sign in with the new password.": "Mật khẩu đã được đổi và các phiên đăng nhập của bạn đã kết thúc. Hãy đăng nhập bằng mật khẩu mới.",
		"Reset password":          "Đặt lại mật khẩu",
		"Reset a password":        "Đặt lại mật khẩu",
		"Reset the password":      "Đặt lại mật khẩu",
		"Password reset":          "Đã đặt lại mật khẩu",
		"Give %s a new password?": "Cấp mật khẩu mới cho %s?",
		"Their current password stops working, every session of theirs ends and the API tokens they made are revoked. The new password is shown once, on the next page: give it to them through a safe channel. Their two-factor authentication stays as it is.": "Mật khẩu hiện tại của người này ngừng hoạt động, mọi phiên đăng nhập của họ kết thúc và các token API họ tạo bị thu hồi. Mật khẩu mới chỉ hiển thị một lần, ở trang sau: hãy chuyển cho họ qua một kênh an toàn. Xác thực hai yếu tố của họ giữ nguyên.",
		"%s has a new password: the old one no longer works, their sessions have ended and the API tokens they made are revoked. It is shown only now: give it to them through a safe channel, and ask them to change it on their account page.":                 "%s đã có mật khẩu mới: mật khẩu cũ không còn dùng được, các phiên đăng nhập của họ đã kết thúc và các token API họ tạo đã bị thu hồi. Mật khẩu chỉ hiển thị lúc này: hãy chuyển cho họ qua một kênh an toàn và đề nghị họ đổi mật khẩu ở trang tài khoản.",
		// Editing a custom role.
		"Change this role": "Sửa vai trò này",
		"The people who hold the role sign in again after a change.": "Sau khi sửa, những người giữ vai trò này phải đăng nhập lại.",
		"Collection: a name or * for all. Then a field name, a category (it contains a dot, such as user.contact) or * for all fields. Access: read, read_masked, write or none; read_masked+write writes what it reads masked.": "Tập dữ liệu: một tên hoặc * cho tất cả. Sau đó là tên trường, một nhóm dữ liệu (có dấu chấm, ví dụ user.contact) hoặc * cho mọi trường. Quyền: read, read_masked, write hoặc none; read_masked+write được ghi những gì chỉ đọc ở dạng che.",
		"Save the role":       "Lưu vai trò",
		"Delete the role":     "Xóa vai trò",
		"Delete this role":    "Xóa vai trò này",
		"Delete the role %s?": "Xóa vai trò %s?",
		"A role that people, active tokens or purposes still name cannot be deleted: give them another role, and take it out of the purposes, first.": "Không thể xóa một vai trò khi vẫn còn người, token đang hoạt động hoặc mục đích gắn với nó: hãy giao vai trò khác cho họ và gỡ vai trò khỏi các mục đích trước.",
		"Role changed.": "Đã sửa vai trò.",
		"Role deleted.": "Đã xóa vai trò.",
		"That is not a valid phone number to search for: write it with its country code, such as +84 912 345 678.": "Số điện thoại tìm kiếm không hợp lệ: hãy ghi cả mã quốc gia, ví dụ +84 912 345 678.",
		"This is you: change your password on your account page.":                                                  "Đây là bạn: hãy đổi mật khẩu ở trang tài khoản của bạn.",
		// Editing a purpose.
		"All purposes":          "Tất cả mục đích",
		"Change the purpose %s": "Sửa mục đích %s",
		"Save the purpose":      "Lưu mục đích",
		"Purpose %s":            "Mục đích %s",
		"Purpose %s changed.":   "Đã sửa mục đích %s.",
		"A role taken off the list can no longer read or write data for this purpose, from its next call.": "Vai trò bị gỡ khỏi danh sách sẽ không còn được đọc hay ghi dữ liệu cho mục đích này, kể từ lần gọi tiếp theo.",
	})
}
