package httpd

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
)

// ReadBody reads r's body whole, decoding its Content-Encoding (gzip,
// deflate, zstd, snappy; identity or none as it is), and returns at most
// limit bytes of it uncompressed; a larger body is an error wrapping
// ErrTooLarge, which also stops a compressed body that would inflate past
// it. A bad or unknown encoding is an error wrapping ErrEncoding.
//
// snappy is the block format, as Loki's and Prometheus' clients send it;
// a body of snappy's framed (stream) format is read too.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	raw, err := readLimited(r.Body, limit)
	if err != nil {
		return nil, err
	}
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	return Decode(enc, raw, limit)
}

// Decode decodes body compressed as enc ("" or "identity" for none) and
// returns at most limit bytes, as ReadBody.
func Decode(enc string, body []byte, limit int64) ([]byte, error) {
	var zr io.Reader
	switch enc {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrEncoding, err)
		}
		defer gz.Close()
		zr = gz
	case "deflate":
		fr := flate.NewReader(bytes.NewReader(body))
		defer fr.Close()
		zr = fr
	case "zstd":
		zd, err := zstd.NewReader(bytes.NewReader(body), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(limit)+1))
		if err != nil {
			return nil, fmt.Errorf("%w: zstd: %v", ErrEncoding, err)
		}
		defer zd.Close()
		zr = zd
	case "snappy":
		if n, err := snappy.DecodedLen(body); err == nil {
			if int64(n) > limit {
				return nil, fmt.Errorf("%w: %d bytes uncompressed, the limit is %d", ErrTooLarge, n, limit)
			}
			if out, err := snappy.Decode(nil, body); err == nil {
				return out, nil
			}
		}
		zr = snappy.NewReader(bytes.NewReader(body))
	default:
		return nil, fmt.Errorf("%w: %q (want gzip, deflate, zstd or snappy)", ErrEncoding, enc)
	}
	out, err := readLimited(zr, limit)
	if err != nil && !errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("%w: %s: %v", ErrEncoding, enc, err)
	}
	return out, err
}

// readLimited reads r whole, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fmt.Errorf("%w: the limit is %d bytes", ErrTooLarge, mbe.Limit)
		}
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: the limit is %d bytes", ErrTooLarge, limit)
	}
	return b, nil
}
