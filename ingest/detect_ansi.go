package ingest

// stripANSI appends src to dst without its ANSI escape sequences and returns
// the result. The detectors look at the stripped head of a line so that
// colour codes, as in Maven's "[\x1b[1;31mERROR\x1b[m]", do not hide a
// level; the stored message keeps them.
//
// It removes CSI sequences (ESC [ parameters intermediates final), OSC
// sequences (ESC ] … BEL or ESC \) and other escapes (ESC, intermediate
// bytes, one final byte).
func stripANSI(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c != 0x1b {
			dst = append(dst, c)
			i++
			continue
		}
		i++
		if i >= len(src) {
			break
		}
		switch src[i] {
		case '[':
			i++
			for i < len(src) && src[i] >= 0x20 && src[i] <= 0x3f {
				i++ // parameter and intermediate bytes
			}
			if i < len(src) && src[i] >= 0x40 && src[i] <= 0x7e {
				i++ // final byte
			}
		case ']':
			i++
			for i < len(src) {
				if src[i] == 0x07 {
					i++
					break
				}
				if src[i] == 0x1b && i+1 < len(src) && src[i+1] == '\\' {
					i += 2
					break
				}
				i++
			}
		default:
			for i < len(src) && src[i] >= 0x20 && src[i] <= 0x2f {
				i++ // intermediate bytes, as in ESC ( B
			}
			i++ // final byte
		}
	}
	return dst
}
