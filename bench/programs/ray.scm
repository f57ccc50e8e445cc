;; ray: a small ray tracer (64 x 48 pixels, five spheres, shadows, one reflection) on
;; 3-element vectors of flonums: flonum arithmetic, sqrt and short-lived allocation. One point
;; light, diffuse shading and shadow rays, one reflection bounce; points, directions and
;; colours are fresh vectors made by every vector operation. bench-size frames, the light
;; moving a little every frame.
;; Checksum: the sum over all frames of every pixel's brightness scaled to 0..255 (truncated).
(define (v x y z) (vector x y z))
(define (vx a) (vector-ref a 0))
(define (vy a) (vector-ref a 1))
(define (vz a) (vector-ref a 2))
(define (v+ a b) (v (+ (vx a) (vx b)) (+ (vy a) (vy b)) (+ (vz a) (vz b))))
(define (v- a b) (v (- (vx a) (vx b)) (- (vy a) (vy b)) (- (vz a) (vz b))))
(define (v* a s) (v (* (vx a) s) (* (vy a) s) (* (vz a) s)))
(define (dot a b) (+ (* (vx a) (vx b)) (* (vy a) (vy b)) (* (vz a) (vz b))))
(define (unit a) (v* a (/ 1.0 (sqrt (dot a a)))))
;; A sphere: (centre radius reflectivity).
(define spheres
  (list (list (v 0.0 -1.0 5.0) 1.0 0.3)
        (list (v 2.0 0.0 6.0) 1.0 0.5)
        (list (v -2.0 0.0 6.0) 1.0 0.1)
        (list (v 0.0 1.5 7.0) 0.8 0.0)
        (list (v 0.0 -101.0 5.0) 100.0 0.2)))
;; The distance along the ray (origin o, unit direction d) to the sphere, or #f.
(define (hit-distance s o d)
  (let* ((oc (v- o (car s)))
         (b (dot oc d))
         (c (- (dot oc oc) (* (cadr s) (cadr s))))
         (disc (- (* b b) c)))
    (if (< disc 0.0)
        #f
        (let ((t (- (- b) (sqrt disc))))
          (if (> t 0.0001) t #f)))))
;; The nearest (distance . sphere), or #f.
(define (nearest o d)
  (let loop ((ss spheres) (best #f))
    (if (null? ss)
        best
        (let ((t (hit-distance (car ss) o d)))
          (loop (cdr ss) (if (and t (or (not best) (< t (car best)))) (cons t (car ss)) best))))))
(define (shadowed? p light)
  (let* ((to-light (v- light p))
         (dist (sqrt (dot to-light to-light)))
         (h (nearest p (unit to-light))))
    (and h (< (car h) dist))))
(define (trace o d light depth)
  (let ((h (nearest o d)))
    (if (not h)
        0.1
        (let* ((s (cdr h))
               (p (v+ o (v* d (car h))))
               (normal (unit (v- p (car s))))
               (l (unit (v- light p)))
               (diffuse (if (shadowed? p light) 0.0 (max 0.0 (dot normal l))))
               (local (+ 0.05 (* 0.9 diffuse)))
               (refl (caddr s)))
          (if (or (= depth 0) (= refl 0.0))
              local
              (let ((r (v- d (v* normal (* 2.0 (dot d normal))))))
                (+ (* (- 1.0 refl) local) (* refl (trace p (unit r) light (- depth 1))))))))))
(define width 64)
(define height 48)
(define (frame light)
  (let rows ((j 0) (acc 0))
    (if (= j height)
        acc
        (let cols ((i 0) (acc acc))
          (if (= i width)
              (rows (+ j 1) acc)
              (let* ((x (/ (- (exact->inexact i) (/ width 2.0)) (/ height 1.0)))
                     (y (/ (- (/ height 2.0) (exact->inexact j)) (/ height 1.0)))
                     (shade (trace (v 0.0 0.0 0.0) (unit (v x y 1.0)) light 1)))
                (cols (+ i 1) (+ acc (inexact->exact (truncate (* 255.0 (min shade 1.0))))))))))))
(define (run r acc)
  (if (= r 0)
      acc
      (run (- r 1)
           (+ acc (frame (v (- (* 0.05 (exact->inexact (remainder r 40))) 1.0) 5.0 0.0))))))
(display (run bench-size 0))
(newline)
