; exit: 1
; A built-in's error that no guard clause accepts is raised again: reported as it would have
; been without the guard, with its own message and position.
(define v (vector 1 2))
(display (guard (e ((string? e) 'a-string)) (vector-ref v 0))) (newline)
(guard (e ((string? e) 'a-string))
  (display "inside") (newline)
  (vector-ref v 5))
