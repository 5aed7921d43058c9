package field_test

import (
	"fmt"

	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// A main-mesh field of two realizations and a vt field on the theta faces
// of the same mesh, indexed and sliced by their layouts.
func Example() {
	m, err := mesh.Uniform(5, 9) // 5 colatitudes, 9 longitudes 0..2pi
	if err != nil {
		panic(err)
	}
	br := m.Layout(field.Center, 2)
	vt := m.Layout(field.ThetaFace, 2)
	fmt.Println(br)
	fmt.Println(vt)

	data := make([]float64, br.Len())
	data[br.Index(2, 3, 1)] = 1.5 // theta row 2, phi column 3, realization 2

	col := br.Column(data, 3, 1) // theta runs fastest: a column is contiguous
	fmt.Println(len(col), col[2])
	theta, phi := m.Coords(field.Center)
	fmt.Printf("at colatitude %.4f, longitude %.4f rad\n", theta[2], phi[3])

	// Realization 1 on its own is a one-realization field.
	r1 := field.New(br.One(), br.Realization(data, 1))
	fmt.Println(r1.At(2, 3, 0))

	// Faces: the theta faces include a ghost beyond each pole.
	th, _ := m.Coords(field.ThetaFace)
	fmt.Printf("%d theta faces from %.4f to %.4f rad\n", len(th), th[0], th[len(th)-1])
	// Output:
	// Center 5x10x2 (theta x phi x realizations)
	// ThetaFace 6x10x2 (theta x phi x realizations)
	// 5 1.5
	// at colatitude 1.5708, longitude 2.3562 rad
	// 1.5
	// 6 theta faces from -0.3927 to 3.5343 rad
}
