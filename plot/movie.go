package plot

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/png"
)

// moviePalette holds the 256 colours of a movie frame: 200 steps of the
// diverging map (the map data) and 56 greys (text, axes, background), so
// that the maps need no dithering and the text stays sharp.
var moviePalette = func() color.Palette {
	p := make(color.Palette, 0, 256)
	for i := 0; i < 200; i++ {
		p = append(p, Diverging(-1+2*float64(i)/199))
	}
	for i := 0; i < 56; i++ {
		v := uint8(i * 255 / 55)
		p = append(p, color.RGBA{v, v, v, 0xff})
	}
	return p
}()

// MovieGIF joins PNG frames (as MapPNG draws them, all of one size) into
// an animated GIF that loops forever, showing each frame for delay
// hundredths of a second (the last one three times as long).
func MovieGIF(frames [][]byte, delay int) ([]byte, error) {
	if len(frames) == 0 {
		return nil, fmt.Errorf("no frames for a movie")
	}
	if delay < 1 {
		return nil, fmt.Errorf("frame delay %d: want at least 1 (hundredths of a second)", delay)
	}
	anim := &gif.GIF{}
	var size image.Point
	for i, b := range frames {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", i+1, err)
		}
		r := img.Bounds()
		if i == 0 {
			size = r.Size()
		} else if r.Size() != size {
			return nil, fmt.Errorf("frame %d is %v pixels, frame 1 %v: all frames must have one size", i+1, r.Size(), size)
		}
		pal := image.NewPaletted(image.Rect(0, 0, size.X, size.Y), moviePalette)
		draw.Draw(pal, pal.Bounds(), img, r.Min, draw.Src)
		d := delay
		if i == len(frames)-1 {
			d = 3 * delay
		}
		anim.Image = append(anim.Image, pal)
		anim.Delay = append(anim.Delay, d)
	}
	var out bytes.Buffer
	if err := gif.EncodeAll(&out, anim); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
