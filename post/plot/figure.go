package plot

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// DPI is the resolution of the PNG images (dots per inch).
const DPI = 100

func init() {
	// Sans-serif text reads better in figures than gonum's default serif.
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
}

// textStyle returns a plain text style of the given size (points).
func textStyle(size vg.Length) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(plot.DefaultFont, size),
		Handler: plot.DefaultTextHandler,
	}
}

// panel is one raster plot of a figure.
type panel struct {
	title  string
	field  *Field
	x0, x1 float64 // x range drawn (left to right)
	xLabel string
	xTicks plot.Ticker // nil: gonum's default ticks
}

// figure is a grid of raster panels sharing a colour scale.
type figure struct {
	title          string
	panels         []panel
	cols           int
	scale          ColourScale
	sinLat         bool
	cbLabel        string
	panelW, panelH vg.Length
	// aspect, if > 0, sets panelH so that every data area's height is
	// aspect times its width.
	aspect float64
}

// latTicks returns latitude ticks every 30 degrees (minor every 15), at
// sin(latitude) on a sine-latitude axis.
func latTicks(sinLat bool) plot.Ticker {
	var ts plot.ConstantTicks
	for lat := -90; lat <= 90; lat += 15 {
		v := float64(lat)
		if sinLat {
			v = math.Sin(v * math.Pi / 180)
		}
		label := ""
		if lat%30 == 0 {
			label = strconv.Itoa(lat)
		}
		ts = append(ts, plot.Tick{Value: v, Label: label})
	}
	return ts
}

// lonTicks returns longitude ticks every 60 degrees (minor every 30).
func lonTicks() plot.Ticker {
	var ts plot.ConstantTicks
	for lon := 0; lon <= 360; lon += 30 {
		label := ""
		if lon%60 == 0 {
			label = strconv.Itoa(lon)
		}
		ts = append(ts, plot.Tick{Value: float64(lon), Label: label})
	}
	return ts
}

// frame draws a box around the data area.
type frame struct{}

func (frame) Plot(c draw.Canvas, _ *plot.Plot) {
	r := c.Rectangle
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	c.StrokeLines(sty, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min})
}

// newRasterPlot makes the axes of panel pn.
func (f *figure) newRasterPlot(pn *panel) *plot.Plot {
	p := plot.New()
	p.Title.Text = pn.title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = pn.xLabel
	p.X.Min, p.X.Max = pn.x0, pn.x1
	if pn.xTicks != nil {
		p.X.Tick.Marker = pn.xTicks
	}
	p.Y.Label.Text = "Latitude (°)"
	p.Y.Min, p.Y.Max = -90, 90
	if f.sinLat {
		p.Y.Label.Text = "Latitude (°, sine scale)"
		p.Y.Min, p.Y.Max = -1, 1
	}
	p.Y.Tick.Marker = latTicks(f.sinLat)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Padding = 0
		ax.Label.TextStyle.Font.Size = vg.Points(11)
		ax.Tick.Label.Font.Size = vg.Points(10)
	}
	return p
}

// colourBarWidth is the width of the strip that holds the colour bar.
const colourBarWidth = 1.2 * vg.Inch

// render draws the figure and returns it as PNG bytes.
func (f *figure) render() ([]byte, error) {
	if len(f.panels) == 0 {
		return nil, fmt.Errorf("nothing to draw")
	}
	if err := f.scale.check(); err != nil {
		return nil, err
	}
	// Overflow marks on the colour bar where some value lies beyond it.
	over, under := false, false
	for k := range f.panels {
		for _, v := range f.panels[k].field.V {
			over = over || v > f.scale.Sat
			under = under || v < -f.scale.Sat
		}
	}
	cols := f.cols
	if cols < 1 {
		cols = 1
	}
	if cols > len(f.panels) {
		cols = len(f.panels)
	}
	rows := (len(f.panels) + cols - 1) / cols
	titleH := vg.Length(0)
	if f.title != "" {
		titleH = 0.45 * vg.Inch
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 0.1 * vg.Inch, PadY: 0.1 * vg.Inch,
		PadTop: 0.05 * vg.Inch, PadBottom: 0.05 * vg.Inch, PadLeft: 0.05 * vg.Inch}
	if f.aspect > 0 {
		// Measure the axes' overhead on a trial layout, then size the panels.
		trial := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: vg.Length(cols) * f.panelW, Y: vg.Length(rows) * f.panelH}}}
		da := f.newRasterPlot(&f.panels[0]).DataCanvas(tiles.At(trial, 0, 0))
		sz := da.Size()
		f.panelH += sz.X*vg.Length(f.aspect) - sz.Y
	}
	width := vg.Length(cols)*f.panelW + colourBarWidth
	height := vg.Length(rows)*f.panelH + titleH
	img := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	if f.title != "" {
		sty := textStyle(15)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		dc.FillText(sty, vg.Point{X: (width - colourBarWidth) / 2, Y: height - 0.1*vg.Inch}, f.title)
	}
	grid := draw.Crop(dc, 0, -colourBarWidth, 0, -titleH)
	top, bottom := vg.Length(math.Inf(-1)), vg.Length(math.Inf(1))
	for k := range f.panels {
		pn := &f.panels[k]
		c := tiles.At(grid, k%cols, k/cols)
		p := f.newRasterPlot(pn)
		da := p.DataCanvas(c)
		sz := da.Size()
		w, h := int(math.Round(sz.X.Dots(DPI))), int(math.Round(sz.Y.Dots(DPI)))
		if w < 4 || h < 4 {
			return nil, fmt.Errorf("panel too small to draw (%dx%d pixels)", w, h)
		}
		r := Raster(pn.field, w, h, pn.x0, pn.x1, f.sinLat, f.scale)
		p.Add(plotter.NewImage(r, p.X.Min, p.Y.Min, p.X.Max, p.Y.Max), frame{})
		p.Draw(c)
		top = max(top, da.Max.Y)
		bottom = min(bottom, da.Min.Y)
	}
	bar := draw.Crop(dc, width-colourBarWidth, 0, 0, 0)
	drawColourBar(bar, bottom, top, f.scale, f.cbLabel, over, under)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// drawColourBar draws a vertical colour bar from y0 to y1 in the strip c,
// from -Sat (bottom) to +Sat (top) on scale sc, labelled on its right. With
// over (under), a triangle in the top (bottom) colour caps the bar: some
// values lie beyond +Sat (-Sat) and are drawn in that colour.
func drawColourBar(c draw.Canvas, y0, y1 vg.Length, sc ColourScale, label string, over, under bool) {
	x0 := c.Min.X + 0.2*vg.Inch
	x1 := x0 + 0.22*vg.Inch
	line := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	tri := x1 - x0 // the overflow triangles' height
	if over {
		y1 -= tri
		top := []vg.Point{{X: x0, Y: y1}, {X: x1, Y: y1}, {X: (x0 + x1) / 2, Y: y1 + tri}}
		c.FillPolygon(Diverging(1), top)
		c.StrokeLines(line, append(top, top[0]))
	}
	if under {
		y0 += tri
		bottom := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: (x0 + x1) / 2, Y: y0 - tri}}
		c.FillPolygon(Diverging(-1), bottom)
		c.StrokeLines(line, append(bottom, bottom[0]))
	}
	const n = 256
	g := image.NewRGBA(image.Rect(0, 0, 1, n))
	for i := 0; i < n; i++ {
		g.SetRGBA(0, i, Diverging(1-2*(float64(i)+0.5)/n))
	}
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: y1}}, g)
	c.StrokeLines(line, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
	sty := textStyle(10)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	labelRight := x1
	for _, v := range sc.ticks() {
		y := y0 + vg.Length((sc.U(v)+1)/2)*(y1-y0)
		tl := 0.05 * vg.Inch
		c.StrokeLine2(line, x1, y, x1+tl, y)
		lbl := formatTick(v, sc.Sat)
		c.FillText(sty, vg.Point{X: x1 + tl + 0.03*vg.Inch, Y: y}, lbl)
		labelRight = max(labelRight, x1+tl+0.03*vg.Inch+sty.Width(lbl))
	}
	if sc.Knee > 0 {
		label += fmt.Sprintf(", asinh scale, knee %s", formatTick(sc.Knee, sc.Knee))
	}
	ls := textStyle(11)
	ls.XAlign, ls.YAlign = draw.XCenter, draw.YTop
	ls.Rotation = math.Pi / 2
	c.FillText(ls, vg.Point{X: labelRight + 0.08*vg.Inch, Y: (y0 + y1) / 2}, label)
}

// colourBarTicks returns tick values from -sat to sat: when possible at a
// step of 1, 2 or 5 (else 2.5) times a power of ten that divides sat into 2
// to 4 intervals, so that both ends are labelled; otherwise at a step of
// 1, 2 or 5 times a power of ten giving at most 9 ticks.
func colourBarTicks(sat float64) []float64 {
	ticks := func(step float64) []float64 {
		n := int(math.Floor(sat/step + 1e-9))
		var ts []float64
		for k := -n; k <= n; k++ {
			ts = append(ts, float64(k)*step)
		}
		return ts
	}
	p := math.Pow(10, math.Floor(math.Log10(sat)))
	for _, mults := range [][]float64{{0.1, 0.2, 0.5, 1, 2, 5}, {0.25, 2.5}} {
		for _, m := range mults {
			step := m * p
			n := sat / step
			if math.Abs(n-math.Round(n)) < 1e-9 && math.Round(n) >= 2 && math.Round(n) <= 4 {
				return ticks(step)
			}
		}
	}
	return ticks(NiceCeil(2 * sat / 8))
}

// formatTick formats a colour-bar tick value with no more digits than the
// scale needs.
func formatTick(v, sat float64) string {
	if math.Abs(v) < sat*1e-9 {
		return "0"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
