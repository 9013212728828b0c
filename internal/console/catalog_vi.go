package console

// viMessages translates the console's English texts into Vietnamese.
// Each page group adds its own texts with addVI from its catalog file
// (catalog_vi_*.go); TestEveryTextTranslated checks that every text the
// templates and handlers use has a translation.
var viMessages = map[string]string{}

// viConflicts lists texts two catalog files translate differently (the
// first translation is kept); TestEveryTextTranslated fails on any.
var viConflicts []string

// addVI adds translations.
func addVI(m map[string]string) {
	for k, v := range m {
		if old, ok := viMessages[k]; ok && old != v {
			viConflicts = append(viConflicts, k+": "+old+" | "+v)
			continue
		}
		viMessages[k] = v
	}
}
