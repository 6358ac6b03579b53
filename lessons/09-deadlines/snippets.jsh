// Lesson 09
