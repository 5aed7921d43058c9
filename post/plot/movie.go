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

// MaxFrameDelay is the longest frame delay a Movie takes (hundredths of a
// second; GIF stores delays in 16 bits, and the last frame shows three
// times as long).
const MaxFrameDelay = 6000

// Movie builds an animated GIF that loops forever, frame by frame: each
// PNG frame is turned into a paletted image when added, so only those are
// kept.
type Movie struct {
	anim  gif.GIF
	size  image.Point
	delay int
}

// NewMovie starts a movie whose frames show for delay hundredths of a
// second (1 to MaxFrameDelay; the last frame three times as long).
func NewMovie(delay int) (*Movie, error) {
	if delay < 1 || delay > MaxFrameDelay {
		return nil, fmt.Errorf("frame delay %d: want 1 to %d hundredths of a second", delay, MaxFrameDelay)
	}
	return &Movie{delay: delay}, nil
}

// Frames returns the number of frames added.
func (mv *Movie) Frames() int { return len(mv.anim.Image) }

// Add appends a PNG frame (as MapPNG draws them); every frame must have
// the first one's size.
func (mv *Movie) Add(frame []byte) error {
	n := len(mv.anim.Image) + 1
	img, err := png.Decode(bytes.NewReader(frame))
	if err != nil {
		return fmt.Errorf("frame %d: %w", n, err)
	}
	r := img.Bounds()
	if n == 1 {
		mv.size = r.Size()
	} else if r.Size() != mv.size {
		return fmt.Errorf("frame %d is %v pixels, frame 1 %v: all frames must have one size", n, r.Size(), mv.size)
	}
	pal := image.NewPaletted(image.Rect(0, 0, mv.size.X, mv.size.Y), moviePalette)
	draw.Draw(pal, pal.Bounds(), img, r.Min, draw.Src)
	mv.anim.Image = append(mv.anim.Image, pal)
	mv.anim.Delay = append(mv.anim.Delay, mv.delay)
	return nil
}

// Encode returns the GIF file.
func (mv *Movie) Encode() ([]byte, error) {
	if len(mv.anim.Image) == 0 {
		return nil, fmt.Errorf("no frames for a movie")
	}
	mv.anim.Delay[len(mv.anim.Delay)-1] = 3 * mv.delay
	var out bytes.Buffer
	if err := gif.EncodeAll(&out, &mv.anim); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
