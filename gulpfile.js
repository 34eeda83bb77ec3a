const path = require('path');
const { task, src, dest } = require('gulp');

// tsc emits only JavaScript; node and credential icons must sit next to the compiled files.
task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { encoding: false, base: '.' }).pipe(
		dest(path.resolve('dist')),
	),
);
