;; mbrot: the Mandelbrot set on a 64 x 64 grid over [-2, 0.5] x [-1.25, 1.25], iterating
;; z := z^2 + c until |z| > 2 or 256 iterations, bench-size times with the grid shifted a little
;; every time; flonum arithmetic in tight named-let loops.
;; Checksum: the sum of the iteration counts of every point of every grid.
(define (iterations cr ci limit)
  (let loop ((zr 0.0) (zi 0.0) (k 0))
    (if (or (= k limit) (> (+ (* zr zr) (* zi zi)) 4.0))
        k
        (loop (+ (- (* zr zr) (* zi zi)) cr)
              (+ (* 2.0 zr zi) ci)
              (+ k 1)))))
(define (grid n x0 y0 step limit)
  (let rows ((i 0) (acc 0))
    (if (= i n)
        acc
        (let ((ci (+ y0 (* step (exact->inexact i)))))
          (let cols ((j 0) (acc acc))
            (if (= j n)
                (rows (+ i 1) acc)
                (cols (+ j 1)
                      (+ acc (iterations (+ x0 (* step (exact->inexact j))) ci limit)))))))))
(define (run r acc)
  (if (= r 0)
      acc
      (run (- r 1)
           (+ acc (grid 64 (- (* 0.001 (exact->inexact (remainder r 7))) 2.0) -1.25
                        (/ 2.5 64.0) 256)))))
(display (run bench-size 0))
(newline)
