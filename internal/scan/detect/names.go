package detect

import "strings"

// Flags of the words in the name and street lists.
const (
	nVNStrong  uint16 = 1 << iota // a Vietnamese surname that is rarely anything else
	nVNWeak                       // a Vietnamese surname that is also a common word elsewhere
	nVNMiddle                     // a Vietnamese middle name
	nVNGiven                      // a Vietnamese given name
	nFirst                        // an English, Indian or European first name
	nLast                         // an English, Indian or European last name
	nCNSurname                    // a Chinese (Singaporean) surname, written first
	nStop                         // a word that ends a name: street, administrative, organisation words
)

// Name lists, space-separated, with diacritics as usually written; they
// are folded (lower-cased, diacritics removed) into nameFlags.
const (
	vnStrongSurnames = "Nguyễn Trần Phạm Hoàng Huỳnh Phan Đặng Bùi Dương Ngô Đinh Trương Trịnh Lương Phùng Quách Đoàn Vương Nghiêm Khổng Doãn"
	vnWeakSurnames   = "Lê Đỗ Hồ Lý Vũ Võ Hà Mai Lâm Đào Cao Lưu Tạ Tô Châu Tăng Thái Kiều La Khúc Từ Mạc Triệu Chu Giang Tôn Thân Hứa Diệp Lại Lục Mẫn Ông Quan Tiêu Âu"
	vnMiddleNames    = "Văn Thị Hữu Đức Minh Ngọc Thanh Quốc Xuân Thu Hoàng Gia Bảo Kim Công Đình Trọng Mạnh Thành Tuấn Hồng Phương Anh Diệu Khánh Như " +
		"Quang Hải Trung Tiến Thế Duy Nhật Bá Chí Huy Tấn Tường Vĩnh Thúy Mỹ Bích Cẩm Tú Thùy Hoài Hạnh Ánh Lan Nguyên Phúc Thiên Ngọc Khắc"
	vnGivenNames = "An Anh Ánh Bảo Bích Bình Châu Chi Chiến Cường Đạt Diệp Điệp Dũng Dung Duy Duyên Giang Hà Hải Hân Hạnh Hằng Hào Hậu Hiền Hiếu " +
		"Hiệp Hòa Hoa Hoài Hoàng Hồng Huệ Hùng Hưng Hương Hường Huy Huyền Khang Khánh Khoa Khôi Kiên Lâm Lan Linh Loan Lộc Lợi Long Luân " +
		"Ly Mai Minh My Mỹ Nam Nga Ngân Nghĩa Ngọc Nguyệt Nhân Nhi Nhung Như Oanh Phát Phong Phú Phúc Phụng Phương Phượng Quân Quang Quý " +
		"Quyên Quỳnh Sang Sơn Tài Tâm Tân Thắng Thanh Thành Thảo Thi Thịnh Thoa Thông Thu Thư Thủy Thúy Tiên Tiến Tín Toàn Trâm Trang " +
		"Trí Trinh Trúc Trung Tú Tuấn Tùng Tuyết Uyên Vân Việt Vinh Vũ Vy Xuân Yến Đông Đức Định Hạ Hiển Khải Lực Nhung Thơ Thục Vượng"
	firstNames = "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark Donald " +
		"Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan " +
		"Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Jose " +
		"Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian Keith Roger Terry Gerald Harold Sean Austin " +
		"Carl Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy " +
		"Vincent Ralph Eugene Russell Bobby Mason Philip Louis Harry Oliver Charlie Liam Lucas Leo Oscar Alfie Freddie Archie Mary " +
		"Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Kimberly Emily " +
		"Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna " +
		"Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth " +
		"Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha " +
		"Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn " +
		"Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Amelia Isla Ava Mia Ella Chloe " +
		"Lily Sophie Lucy Ruby Poppy Evie Freya Jane Kate Claire Alison Fiona Gemma Holly Zoe Tom Ben Sam Dan Jim Bob Mike Chris " +
		"Matt Nick Alex Steve Tony Andy Rob Tim Joe Jon Max Jake Luke Adrian Ian Neil Graham Stuart Simon Colin Craig Martin " +
		"Gordon Ross Duncan Fraser Hamish Emily Jessica Ashley Brittany " +
		// Indian
		"Aarav Aditya Akash Amit Anil Anand Ankit Arjun Arun Ashok Deepak Dev Dinesh Ganesh Gaurav Harish Hari Ishaan Jay Karan " +
		"Kiran Krishna Kunal Mahesh Manish Manoj Mohan Mukesh Naveen Nikhil Nitin Pankaj Pradeep Prakash Pranav Rahul Raj Rajesh " +
		"Rakesh Ramesh Ravi Rohan Rohit Sachin Sandeep Sanjay Santosh Satish Saurabh Shankar Shivam Siddharth Sunil Suresh Tarun " +
		"Uday Varun Vijay Vikas Vikram Vinay Vinod Vishal Vivek Yash Abhishek Ajay Alok Amar Aniket Arvind Ashish Bharat Chetan " +
		"Dhruv Gopal Girish Hemant Jatin Kapil Lalit Madhav Mayank Nakul Omkar Paras Parth Prateek Raghav Sameer Sumit Tushar " +
		"Yogesh Aarti Aditi Aishwarya Ananya Anjali Ankita Anita Anushka Bhavna Deepika Divya Gayatri Geeta Isha Jyoti Kajal " +
		"Kavita Kavya Komal Lakshmi Madhuri Meena Meera Neha Nisha Pooja Priya Priyanka Radha Rani Rekha Ritu Sakshi Sangeeta " +
		"Sapna Sarita Shalini Shruti Shweta Sita Sneha Sonia Sunita Swati Tanvi Usha Vandana Varsha Vidya Anika Diya Riya Saanvi " +
		"Aadhya Kriti Nandini Pallavi Preeti Rashmi Shreya Simran Tanya Arnav Vihaan Reyansh Ayaan Kabir Advait Aryan " +
		// European and Brazilian
		"Hans Klaus Jürgen Wolfgang Andreas Stefan Markus Uwe Dieter Günter Helmut Horst Karl Heinz Werner Gerhard Bernd Ralf " +
		"Jörg Sven Lars Jan Tobias Florian Sebastian Maximilian Lukas Felix Jonas Leon Finn Elias Moritz Niklas Johannes Matthias " +
		"Ursula Monika Petra Sabine Renate Karin Brigitte Ingrid Gabriele Heike Susanne Claudia Birgit Stefanie Julia Katharina " +
		"Lena Lea Johanna Pierre Michel Philippe Alain Nicolas Christophe Bernard Frédéric Laurent Stéphane Olivier Sébastien " +
		"Julien Thierry Pascal François Guillaume Antoine Mathieu Hugo Jules Raphaël Théo Nathalie Isabelle Sylvie Françoise " +
		"Valérie Sandrine Céline Aurélie Camille Chloé Manon Léa Inès Juliette Margaux Élodie Antonio Manuel Francisco Javier " +
		"Carlos Miguel Alejandro Pablo Sergio Jorge Luis Alberto Fernando Diego Rafael Pedro Ricardo Eduardo Roberto Marcos Paulo " +
		"Mateus Gustavo Felipe Bruno Thiago Rodrigo Leonardo Guilherme Vinícius João Ana Carmen Isabel Dolores Pilar Rosa Lucía " +
		"Marta Elena Cristina Paula Beatriz Fernanda Juliana Mariana Camila Larissa Letícia Gabriela Bianca Giulia Francesca " +
		"Chiara Alessandro Marco Luca Giuseppe Giovanni Matteo Lorenzo Davide Federico Riccardo Stefano Fabio Simone Sofia Aurora " +
		"Martina Giorgia Wei Ming Hui Ling Mei Jun Jie Xin Yi Kai"
	lastNames = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson " +
		"Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen " +
		"King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez " +
		"Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz " +
		"Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray " +
		"Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell " +
		"Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton " +
		"Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford " +
		"Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker " +
		"Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes " +
		"Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols " +
		"Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart Bradley " +
		"Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Ray Berry Perkins Hoffman Johnston Matthews " +
		"Pena Richards Contreras Willis Carpenter Lawrence Sandoval Davies Walsh Byrne OBrien Doyle McCarthy Lynch Quinn " +
		// Indian
		"Sharma Verma Gupta Singh Kumar Shah Mehta Joshi Desai Reddy Rao Nair Menon Pillai Iyer Iyengar Agarwal Aggarwal Bansal " +
		"Jain Kapoor Khanna Malhotra Chopra Bhatia Sethi Arora Chauhan Yadav Mishra Pandey Tiwari Dubey Trivedi Chaturvedi " +
		"Srivastava Saxena Sinha Das Dutta Ghosh Bose Banerjee Chatterjee Mukherjee Sen Roy Chakraborty Bhattacharya Naidu Shetty " +
		"Hegde Kulkarni Patil Pawar Jadhav Deshmukh Gaikwad Shinde Naik Kamat Bhat Prabhu Thakur Rathore Rajput Chaudhary " +
		"Choudhary Goyal Mittal Garg Sood Bhardwaj Dixit Shukla Awasthi Tripathi Ahmed Khan Ali Hussain Qureshi Siddiqui Ansari " +
		"Sheikh Fernandes Dsouza Rodrigues Pereira Gill Sandhu Sidhu Dhillon Grewal Bajwa Kaur Krishnan Subramanian Raman Venkatesh " +
		"Natarajan Balakrishnan Gopalan Chandra Prasad Varma Thakkar Parikh Modi Bhatt Vyas Pandya Dave Solanki Rawat Negi Bisht " +
		// European and Brazilian
		"Müller Schneider Fischer Weber Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz " +
		"Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler " +
		"Herrmann König Walter Mayer Huber Kaiser Fuchs Lang Scholz Möller Weiß Jung Hahn Vogel Friedrich Keller Günther Frank " +
		"Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Bernard Dubois Robert Richard Petit Durand Leroy Moreau Simon " +
		"Laurent Lefebvre Michel David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet " +
		"François Legrand Garnier Faure Rousseau Blanc Guerin Muller Roussel Nicolas Perrin Morin Mathieu Clement Gauthier Dumont " +
		"Fontaine Chevalier Robin Oliveira Souza Ferreira Alves Lima Gomes Costa Ribeiro Martins Carvalho Almeida Lopes Soares " +
		"Vieira Barbosa Rocha Dias Nascimento Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Gonçalves Santana " +
		"Teixeira Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Gallo Conti Giordano Mancini Rizzo " +
		"Lombardi Moretti Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Hernández Díaz Álvarez " +
		"Muñoz Alonso Gutiérrez Navarro Domínguez Vázquez Gil Ramírez Serrano Blanco Molina Suárez Ortega Delgado Rubio Marín " +
		"Sanz Núñez Iglesias Garrido Jansen Janssen Visser Bakker Smit Meijer Mulder Bos Vos Dekker Nielsen Pedersen Andersen " +
		"Larsen Johansson Andersson Karlsson Nilsson Eriksson Larsson Olsson Persson Kowalski Nowak Wiśniewski Novák Horváth Kovács Nagy"
	cnSurnames = "Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh Teo Ang Yeo Tay Low Toh Sim Chong Chia Foo Leong Lau Yap Wee Chew Seah " +
		"Loh Lai Chin Kwek Quek Heng Neo Png Pang Phua Soh Tang Teng Yong Zhang Wang Li Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Zhu Guo Lin Luo"
	stopWords = "Street St Road Rd Avenue Ave Lane Ln Boulevard Blvd Drive Dr Way Court Place Terrace Close Crescent Highway Marg " +
		"Nagar Đường Phố Ngõ Hẻm Quận Phường Huyện Xã Tỉnh Thành TP Tp Thị Company Ltd Limited Inc Corp LLC GmbH AG Bank Ngân " +
		"Công Ty University School Hospital Hotel Group Co JSC Trường Bệnh Viện Khách Sạn Phòng Ban Team Dear Hi Hello Mr Mrs Ms " +
		"Miss Dr Prof Sir Madam Herr Frau Mme Mlle Sr Sra Shri Smt Anh Chị Ông Bà Em Cô Chú Bác The This That And Or Of For To From With Monday Tuesday Wednesday " +
		"Thursday Friday Saturday Sunday Thứ Chủ Nhật Tháng Năm Ngày Total Tổng Order Invoice Mã Số Chi Nhánh Nhóm Hội Shop Store Club CLB"
)

// nameFlags maps folded words to their flags.
var nameFlags = func() map[string]uint16 {
	m := map[string]uint16{}
	for _, l := range []struct {
		words string
		flag  uint16
	}{
		{vnStrongSurnames, nVNStrong}, {vnWeakSurnames, nVNWeak}, {vnMiddleNames, nVNMiddle}, {vnGivenNames, nVNGiven},
		{firstNames, nFirst}, {lastNames, nLast}, {cnSurnames, nCNSurname}, {stopWords, nStop},
	} {
		for _, w := range strings.Fields(l.words) {
			m[foldString(w)] |= l.flag
		}
	}
	// Folding makes some stop words collide with names ("Đường" and the
	// surname "Dương", "Quận" and "Quân"): a name wins, and the accented
	// Vietnamese place words are recognised as written (vnPlaceWords).
	for w, f := range m {
		if f&nStop != 0 && f&^nStop != 0 {
			m[w] = f &^ nStop
		}
	}
	return m
}()

// vnPlaceWords are Vietnamese street and administrative words that fold
// to names; compared as written, they end a name.
var vnPlaceWords = []string{"Đường", "Phố", "Ngõ", "Hẻm", "Kiệt", "Ngách", "Quận", "Phường", "Huyện", "Xã", "Tỉnh", "Ấp", "Thôn",
	"Phòng", "Năm", "Tháng", "Ngày"}

// isVNPlaceWord reports whether w is one of vnPlaceWords, in any case.
func isVNPlaceWord(w []byte) bool {
	for _, p := range vnPlaceWords {
		if len(w) == len(p) && strings.EqualFold(string(w), p) {
			return true
		}
	}
	return false
}

// placeNames holds the hashes (hashFolded of the words joined by single
// spaces) of multi-word place names that look like person names ("Hồ Chí
// Minh" starts with the surname Hồ).
var placeNames = map[uint64]bool{}

func init() {
	for _, p := range []string{"Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Nha Trang", "Vũng Tàu", "Biên Hòa",
		"Thủ Đức", "Bình Thạnh", "Phú Nhuận", "Tân Bình", "Gò Vấp", "Hoàn Kiếm", "Ba Đình", "Đống Đa", "Cầu Giấy", "Thanh Xuân",
		"Hai Bà Trưng", "Bình Dương", "Đồng Nai", "Long An", "Lâm Đồng", "Đà Lạt", "Phan Thiết", "Quy Nhơn", "Hạ Long",
		"New York", "New Delhi", "Los Angeles", "San Francisco", "Hong Kong", "United States", "United Kingdom", "Tan Binh",
		"Ho Chi Minh", "Ha Noi", "Da Nang", "Hai Phong", "Can Tho", "Ly Son", "Phu Quoc", "Phú Quốc"} {
		placeNames[hashSpaced(p)] = true
	}
}

// hashSpaced hashes the folded words of s joined by single spaces.
func hashSpaced(s string) uint64 {
	h := uint64(fnvOffset)
	for i, w := range strings.Fields(s) {
		if i > 0 {
			h = (h ^ ' ') * fnvPrime
		}
		h = hashFoldedFrom(h, []byte(w))
	}
	return h
}

// foldStringSpaced folds s word by word, keeping single spaces.
func foldStringSpaced(s string) string {
	fs := strings.Fields(s)
	for i, f := range fs {
		fs[i] = foldString(f)
	}
	return strings.Join(fs, " ")
}
