"""The word tables the genre rules read: style phrases, place words and the pop scenes of CJK places.

Data, not logic: genre_rules parses and applies them. Each seed genre named here is checked against the 126 when the
tables are parsed (genre_rules.rule_tables()).
"""

from __future__ import annotations

from collections.abc import Mapping

# phrase = seeds, best first. Phrases are written normalised (hyphens read as spaces). Empty = a known style word
# with no seed of its own (it must not be mistaken for garbage, and it blocks shorter matches inside it).
# "~phrase": its seeds rank with the region seeds ("trap latino" is hip-hop first); "-phrase": a modifier whose
# seeds count only when no other style is named ("uk alternative hip hop" is hip-hop, not alt-rock); "+phrase":
# an instrument or texture, ranked after the styles ("blues-rock guitar" is blues first).
STYLE_TABLE = """
pop=pop; dance pop=pop,dance; pop dance=dance,pop; teen pop=pop; electropop=pop,synth-pop,electro
synthpop=synth-pop; synth pop=synth-pop; futurepop=synth-pop,electronic; power pop=power-pop,pop
indie pop=indie-pop,indie; indiepop=indie-pop,indie; bedroom pop=indie-pop,indie; dream pop=indie-pop,indie
art pop=pop,indie-pop; chamber pop=indie-pop,pop; noise pop=indie-pop,indie; jangle pop=indie-pop,indie
k pop=k-pop; kpop=k-pop; j pop=j-pop; jpop=j-pop; c pop=mandopop; mandopop=mandopop; cantopop=cantopop
hyperpop=pop,electronic; bubblegum pop=pop; city pop=j-pop,pop; europop=pop,dance; idol=pop
musica popular brasileira=mpb,brazil; musica popular brasileira=mpb,brazil
afropop=afrobeat,pop; afrobeat=afrobeat; afrobeats=afrobeat; afroswing=afrobeat,hip-hop; afro=afrobeat
amapiano=house,afrobeat; afro house=house,afrobeat; highlife=afrobeat,world-music; azonto=afrobeat
rock=rock; rock n roll=rock-n-roll,rock; rock and roll=rock-n-roll,rock; rocknroll=rock-n-roll
classic rock=rock,hard-rock; hard rock=hard-rock,rock; soft rock=rock; album rock=rock,hard-rock
alternative rock=alt-rock,alternative; alt rock=alt-rock,alternative; -alternative=alternative,alt-rock
indie rock=indie,alt-rock; indie=indie; modern rock=rock,alt-rock; garage rock=garage,rock,punk-rock
psychedelic rock=psych-rock,rock; psych rock=psych-rock; psychedelic=psych-rock; psych=psych-rock
psychedelia=psych-rock; acid rock=psych-rock,rock; stoner rock=psych-rock,hard-rock; space rock=psych-rock
progressive rock=psych-rock,rock; prog rock=psych-rock,rock; prog=psych-rock,rock; art rock=rock,alt-rock
krautrock=psych-rock,german; post rock=alt-rock,indie,ambient; math rock=alt-rock,indie; noise rock=alt-rock,punk
shoegaze=alt-rock,indie; blackgaze=black-metal,alt-rock; nu gaze=alt-rock,indie; gaze=alt-rock,indie
grunge=grunge; post grunge=grunge,alt-rock; britpop=british,alt-rock,indie; madchester=british,indie
glam rock=rock,hard-rock; glam=rock; surf rock=rock,rock-n-roll; surf=rock; southern rock=rock,country
blues rock=blues,rock; country rock=rock,country; folk rock=folk,rock; pop rock=rock,pop; piano rock=rock,piano
rockabilly=rockabilly; psychobilly=rockabilly,punk; doo wop=rock-n-roll,soul; oldies=rock-n-roll
punk=punk,punk-rock; punk rock=punk-rock,punk; pop punk=punk-rock,punk,pop; post punk=punk,alternative
skate punk=punk-rock,punk; hardcore punk=hardcore,punk; oi=punk; anarcho punk=punk; emo=emo; screamo=emo,hardcore
hardcore=hardcore; post hardcore=hardcore,emo; melodic hardcore=hardcore; beatdown=hardcore; crust=punk,hardcore
deutschpunk=punk,german; riot grrrl=punk,punk-rock; new wave=synth-pop,alternative; coldwave=goth,synth-pop
metal=metal,heavy-metal; heavy metal=heavy-metal,metal; black metal=black-metal; death metal=death-metal
melodic death metal=death-metal; melodeath=death-metal; thrash=metal,heavy-metal; thrash metal=metal,heavy-metal
power metal=heavy-metal,metal; speed metal=heavy-metal,metal; doom=metal; doom metal=metal,metal-misc
sludge=metal,metal-misc; stoner metal=metal; groove metal=metal,heavy-metal; nu metal=metal,alt-rock
alternative metal=metal,alternative; symphonic metal=metal,heavy-metal; gothic metal=metal,goth; djent=metal,metalcore
metalcore=metalcore; deathcore=death-metal,metalcore; mathcore=metalcore,hardcore; grindcore=grindcore
goregrind=grindcore; grind=grindcore; brutal death metal=death-metal; technical death metal=death-metal
progressive metal=metal; folk metal=metal,folk; viking metal=metal,black-metal; pagan metal=metal,black-metal
drone metal=metal,metal-misc; post metal=metal,alt-rock
avant garde metal=metal,metal-misc; industrial metal=industrial,metal
rap metal=metal,hip-hop; funk metal=metal,funk; glam metal=heavy-metal,hard-rock; sludge metal=metal,metal-misc
goth=goth; gothic=goth; gothic rock=goth,rock; darkwave=goth,synth-pop; deathrock=goth,punk; ebm=industrial,electronic
industrial=industrial; noise=industrial; harsh noise=industrial; power electronics=industrial; aggrotech=industrial
hip hop=hip-hop; hiphop=hip-hop; rap=hip-hop; trap=hip-hop; drill=hip-hop; grime=hip-hop,british; boom bap=hip-hop
pop rap=hip-hop,pop; gangster rap=hip-hop; gangsta rap=hip-hop; conscious hip hop=hip-hop; underground hip hop=hip-hop
crunk=hip-hop; phonk=hip-hop,electronic; horrorcore=hip-hop; cloud rap=hip-hop; emo rap=hip-hop,emo; bounce=hip-hop
deutschrap=hip-hop,german; g funk=hip-hop,funk; turntablism=hip-hop; chopped and screwed=hip-hop; plugg=hip-hop
r b=r-n-b; r&b=r-n-b; rnb=r-n-b; randb=r-n-b; rhythm and blues=r-n-b,soul,blues; neo soul=soul,r-n-b
new jack swing=r-n-b; quiet storm=r-n-b,soul; soul=soul; northern soul=soul; funk=funk; p funk=funk; motown=soul
disco=disco; nu disco=disco,dance; italo disco=disco,synth-pop; boogie=funk,disco; gospel=gospel; worship=gospel
ccm=gospel,pop; christian=gospel; praise=gospel
spirituals=gospel; gospel r&b=gospel,r-n-b; louvor=gospel; lovsang=gospel
edm=edm,dance; electronic=electronic; electronica=electronic; electro=electro; electro house=electro,house,edm
house=house; deep house=deep-house,house; tech house=house,techno; progressive house=progressive-house,house
chicago house=chicago-house,house; acid house=house,chicago-house; tropical house=house,edm; funky house=house
juke=chicago-house,electronic
disco house=house,disco; garage house=house,garage; uk garage=garage,british; speed garage=garage; 2 step=garage
future house=house,edm; big room=edm,house; bass house=house,edm; jazz house=house,jazz; tribal house=house
techno=techno; detroit techno=detroit-techno,techno; minimal techno=minimal-techno,techno; minimal=minimal-techno
hard techno=techno; acid techno=techno; dub techno=techno,dub; trance=trance; psytrance=trance; goa=trance
progressive trance=trance; uplifting trance=trance; hardstyle=hardstyle; hardcore techno=hardstyle,techno
gabber=hardstyle,techno; happy hardcore=hardstyle,dance; frenchcore=hardstyle; jumpstyle=hardstyle,dance
drum and bass=drum-and-bass; drum n bass=drum-and-bass
dnb=drum-and-bass; jungle=drum-and-bass; liquid funk=drum-and-bass
neurofunk=drum-and-bass; breakcore=breakbeat,idm; breakbeat=breakbeat; breaks=breakbeat; big beat=breakbeat,electronic
dubstep=dubstep; brostep=dubstep; riddim=dubstep; filthstep=dubstep; post dubstep=post-dubstep,dubstep
future garage=garage,post-dubstep; bass music=dubstep,electronic; trap music=edm,hip-hop; future bass=edm,electronic
idm=idm; glitch=idm,electronic; ambient=ambient; dark ambient=ambient; drone=ambient; downtempo=chill,trip-hop
trip hop=trip-hop; chillwave=chill,synth-pop; chillhop=chill,hip-hop; chillout=chill; chill=chill; lounge=chill
lo fi=chill,study; lofi=chill,study; vaporwave=electronic,chill; synthwave=synth-pop,electronic; outrun=synth-pop
eurodance=dance,edm; dance=dance; club=club; rave=edm,dance; electroclash=electro,synth-pop; moombahton=edm,reggaeton
nightcore=edm,dance; complextro=electro,edm; electro swing=electro,jazz; new age=new-age; meditation=new-age,sleep
sleep=sleep; study=study; focus=study; relaxation=new-age,sleep; healing=new-age; 432hz=new-age,sleep
jazz=jazz; smooth jazz=jazz; jazz funk=jazz,funk; jazz fusion=jazz,funk; bebop=jazz; hard bop=jazz; swing=jazz
big band=jazz; dixieland=jazz; acid jazz=jazz,funk; nu jazz=jazz,electronic; free jazz=jazz; cool jazz=jazz
gypsy jazz=jazz,guitar; vocal jazz=jazz; latin jazz=jazz,latin; ragtime=piano,jazz; stride=jazz,piano
blues=blues; delta blues=blues; chicago blues=blues; electric blues=blues; country blues=blues,country
classical=classical; +orchestra=classical; +orchestral=classical; symphony=classical; chamber=classical
baroque=classical; romantic era=classical; romanticism=classical; renaissance=classical; medieval=classical
contemporary classical=classical; minimalism=classical,piano; opera=opera; operetta=opera; choir=classical,gospel
choral=classical,gospel; string quartet=classical; +piano=piano; +organ=classical; harpsichord=classical
neoclassical=classical,piano; modern classical=classical,piano; early music=classical; +cello=classical
+violin=classical; soprano=opera,classical; tenor=opera; requiem=classical
country=country; honky tonk=honky-tonk,country; outlaw country=country; bluegrass=bluegrass,country
americana=country,folk; alt country=country,alternative; country pop=country,pop; red dirt=country
western swing=country,honky-tonk; cowboy=country; bro country=country; old time=bluegrass,folk; newgrass=bluegrass
folk=folk; singer songwriter=singer-songwriter,songwriter; songwriter=songwriter,singer-songwriter
cantautor=singer-songwriter,songwriter; cantautora=singer-songwriter,songwriter; chanson=french,singer-songwriter
+acoustic=acoustic; +unplugged=acoustic; +guitar=guitar; +fingerstyle=guitar,acoustic; -traditional=folk,world-music
celtic=folk,world-music; sea shanties=folk; anti folk=folk,indie; freak folk=folk,indie; neofolk=folk,goth
reggae=reggae; roots reggae=reggae; lovers rock=reggae; rocksteady=reggae,ska; rock steady=reggae,ska; dub=dub,reggae
dancehall=dancehall; ragga=dancehall,reggae; ska=ska; ska punk=ska,punk; two tone=ska; soca=dancehall,world-music
reggaeton=reggaeton; urbano=reggaeton,latin
urbano latino=reggaeton,latin,latino; perreo=reggaeton; dembow=reggaeton,latin
~latin=latin,latino; ~latino=latino,latin; salsa=salsa; bachata=latin; merengue=latin; cumbia=latin
vallenato=latin; banda=latin; corrido=latin; corridos=latin; norteno=latin; ranchera=latin; mariachi=latin
grupera=latin; tejano=latin,country; bolero=latin,romance; son cubano=salsa,latin; timba=salsa; mambo=salsa,latin
tango=tango; nuevo tango=tango; bossa nova=bossanova; bossanova=bossanova; samba=samba; pagode=pagode,samba
forro=forro; sertanejo=sertanejo; mpb=mpb; axe=brazil; funk carioca=brazil,funk; baile funk=brazil,funk; brega=brazil
choro=brazil,samba; frevo=brazil; flamenco=spanish,world-music; rumba=latin; kizomba=world-music; zouk=world-music
world=world-music; world music=world-music; fado=world-music; klezmer=world-music; polka=world-music,folk
schlager=german,pop; volksmusik=german,folk; chalga=world-music; turbo folk=world-music,pop; manele=world-music
arabesk=turkish; bhangra=indian,dance; filmi=indian,movies; bollywood=indian,movies; qawwali=indian,world-music
ghazal=indian; carnatic=indian,classical; hindustani=indian,classical; sufi=world-music; dangdut=malay,world-music
opm=philippines-opm; kundiman=philippines-opm; enka=j-pop; visual kei=j-rock; vocaloid=anime,j-pop; anime=anime
anisong=anime,j-pop; j rock=j-rock; jrock=j-rock; j dance=j-dance; j idol=j-idol; j metal=j-rock
trot=k-pop; k indie=indie,k-pop; k rap=hip-hop,k-pop; k rock=rock,k-pop
soundtrack=soundtracks,movies; soundtracks=soundtracks
ost=soundtracks; score=soundtracks,movies; film=movies,soundtracks
movie=movies,soundtracks; movies=movies; trailer=soundtracks,movies; video game music=soundtracks; vgm=soundtracks
game=soundtracks; chiptune=electronic; 8 bit=electronic; broadway=show-tunes; show tunes=show-tunes
musical=show-tunes; musicals=show-tunes; cabaret=show-tunes; west end=show-tunes; disney=disney
children=children,kids; childrens=children,kids; kids=kids,children; nursery=children,kids; lullaby=children,sleep
infantil=children,kids; enfants=children,kids; comedy=comedy; stand up comedy=comedy; parody=comedy
christmas=holidays; holiday=holidays; holidays=holidays; xmas=holidays; workout=work-out; fitness=work-out
party=party; romantic=romance; love songs=romance; ballad=romance,pop; sad=sad; happy=happy; summer=summer
road trip=road-trip; rainy day=rainy-day; piano blues=blues,piano; boogie woogie=blues,piano
spoken word=comedy; poetry=comedy; audiobook=comedy; hoerspiel=kids; kindermusik=kids,children
trip=trip-hop; beats=hip-hop,chill; instrumental hip hop=hip-hop,chill; jazz rap=hip-hop,jazz
witch house=electronic,goth; wave=electronic,edm
dark wave=goth,synth-pop; cold wave=goth,synth-pop; no wave=punk,alternative
minimal wave=synth-pop,electronic; talent show=pop; alte=afrobeat,r-n-b,alternative; circuit=house,dance
instrumental=; viral=; karneval=german,party; fasching=german,party; beatbox=hip-hop; beatboxing=hip-hop
tex mex=latin,country; +mandolin=folk,bluegrass
new romantic=synth-pop,pop; arrocha=brazil,sertanejo; piseiro=forro,brazil
funk mtg=brazil,funk; tecnobrega=brazil,dance
shibuya kei=j-pop,indie-pop; j core=hardstyle,j-dance; kuduro=dance,afrobeat
champeta=latin,afrobeat; dansband=swedish,pop; epicore=soundtracks,classical; eurovision=pop,dance
psy=trance; forest psy=trance; dark psy=trance; darkpsy=trance
neue deutsche harte=metal,german,industrial; halloween=holidays; shonen=anime; shojo=anime; seinen=anime; yaoi=anime
gundam=anime,soundtracks; macross=anime,soundtracks
kamen rider=anime,soundtracks; otome=anime; paisley underground=psych-rock,alt-rock
elephant 6=indie,psych-rock; tin pan alley=jazz,show-tunes
kundalini=new-age; anak anak=children,kids; queercore=punk,punk-rock
balkan brass=world-music,jazz; progressive=; melodic=; technical=; symphonic=; atmospheric=; brutal=; raw=; dark=
new wave of=; white noise=sleep,ambient; pink noise=sleep,ambient; brown noise=sleep,ambient; color noise=sleep,ambient
drill and bass=drum-and-bass,idm; hip house=house,hip-hop; hip pop=hip-hop,pop,r-n-b; glee club=show-tunes
garage punk=punk,garage,punk-rock; intelligent dance music=idm; hammond organ=jazz,soul; j rap=hip-hop,j-pop
poprock=rock,pop; minimal synth=synth-pop,electronic; +synth=synth-pop,electronic; alt pop=pop,indie-pop,alternative
+operatic=opera,classical; ethereal wave=goth,ambient; grave wave=goth,electronic; idol kayo=j-idol,j-pop
kayokyoku=j-pop; alt idol=j-idol,alt-rock; nwobhm=heavy-metal,british; nwothm=heavy-metal,metal
aikatsu=anime,j-pop; love live=anime,j-pop; precure=anime,children; pretty rhythm=anime,j-pop; king of prism=anime,j-pop
touken ranbu=anime,j-pop; tsukiuta=anime,j-pop
utapri=anime,j-pop; ensemble stars=anime,j-pop; hypnosis mic=anime,hip-hop
gochiusa=anime,j-pop; seiyu=anime,j-pop; anime cv=anime,j-pop; denpa kei=anime,j-pop; doujin=anime,j-pop
honeyworks=anime,j-pop; pokemon=anime,soundtracks,children; final fantasy=soundtracks; kodomo no ongaku=children,kids
barnemusikk=children,kids; barnmusik=children,kids; bornesange=children,kids; chinderlieder=children,kids
kinderlieder=children,kids; kinderliedjes=children,kids; kinderliedje=children,kids; cocuk=children,kids
bambini=children,kids; ninos=children,kids; infantiles=children,kids; dzieciecy=children,kids; comptine=children,kids
comptines=children,kids; detskie=children,kids; sesame street=children,kids; kindie=children,kids; vbs=children,gospel
balearic=chill,house; ballroom=dance
birdsong=ambient,new-age; nature sounds=ambient,sleep; +hurdy gurdy=folk,world-music
shred=metal,guitar; yodeling=country,folk; yodel=country,folk; oktoberfest=german,party; nyhc=hardcore,punk
miami bass=hip-hop,electro; hard bass=hardstyle,dance,edm
eurobeat=dance,edm; gabba=hardstyle,techno; jump up=drum-and-bass
motivation=work-out; relaxative=chill,new-age; psychill=chill,trance; singing bowl=new-age,sleep; novelty=comedy
mashup=dance,pop; cedm=edm,gospel; copla=spanish,world-music; sevillanas=spanish,world-music; dansktop=pop
mundart=german,folk; trinibad=dancehall,hip-hop; ukg=garage,british; boogaloo=latin,soul,funk; cha cha cha=latin,salsa
rai=world-music; carimbo=brazil,world-music; musik=; musikk=; muziek=; musica=; musique=; muzika=; muzica=; music=
balkan beats=world-music,electronic,dance; dungeon synth=ambient,electronic; new england=
exotica=chill,jazz,world-music; microtonal=classical; chant=classical,gospel
+washboard=folk,blues; -experimental=electronic,idm; avant garde=; underground=
indigenous=world-music,folk; gengetone=hip-hop,afrobeat,dancehall; papuri=gospel,philippines-opm; streektaal=pop,folk
piratenmuziek=pop,folk; viser=folk,singer-songwriter; vise=folk,singer-songwriter; kayo=j-pop; kayokyoku=j-pop
poezja spiewana=singer-songwriter,folk; bakersfield sound=country,honky-tonk; hardvapour=electronic,idm
rawstyle=hardstyle; xtra raw=hardstyle; hauntology=electronic,ambient,idm
modern=; classic=; deep=; new=; vintage=; early=; contemporary=
"""

# region seed = its words ("none": places with no seed of their own; japanese/korean/...: the seed depends on style).
PLACE_TABLE = """
british=british uk english england scottish scotland welsh wales london manchester liverpool birmingham bristol
leeds sheffield glasgow edinburgh newcastle brighton nottingham cardiff belfast yorkshire essex
french=french francais francaise france paris marseille lyon toulouse quebecois quebec
german=german deutsch deutsche deutscher deutschland germany berlin hamburg munich munchen koln cologne frankfurt
leipzig stuttgart dusseldorf austrian austria vienna wien
spanish=spanish espanol espanola spain madrid barcelona andaluz andalusian catalan catala galician galego galega euskal
euskera basque asturian aragonesa valencian canarian canaria canario cadiz sevilla galicia
latin=mexican mexicano mexicana mexico colombian colombiano colombiana argentine argentino argentina chilean chileno
chilena peruvian peruano peruana venezuelan venezolano cuban cubano cubana puertorriqueno boricua dominican
dominicano dominicana ecuadorian ecuatoriano bolivian boliviano uruguayan uruguayo uruguaya paraguayan paraguayo
paraguaya guatemalan guatemalteco guatemalteca honduran catracho salvadoran salvadoreno nicaraguan nicaraguense tico
panamanian panameno latinoamericano tijuana sonidero sonidera
brazil=brazil brazilian brasileiro brasileira brasileiros brasil paulista carioca baiano baiana mineiro paraense
cearense pernambucano potiguar capixaba catarinense paranaense piauiense alagoano amazonense manauara
brasiliense maranhense
goiano paraibano sergipano sergipana brasilero alagoana mineira pernambucana goiana paraibana fluminense curitibano
curitibana gaucha gaucho paulistana
swedish=swedish svensk svenska sweden stockholm gothenburg goteborg malmo uppsala orebro dalarna skane skansk
norrland umea lund linkoping smaland gotland jamtland varmland vasteras norrbotten vasterbotten
turkish=turkish turk turkce istanbul anatolian
iranian=iranian persian farsi tehran
indian=indian india hindi tamil telugu kannada malayalam marathi bengali bangla punjabi gujarati bhojpuri rajasthani
haryanvi assamese odia kollywood tollywood desi mumbai delhi kolkata chennai goan konkani himachali
malay=malay malaysian melayu malaysia
philippines-opm=filipino pinoy philippine tagalog cebuano bisaya manila
afrobeat=nigerian naija lagos ghanaian ghana igbo yoruba
cantonese=cantonese hong kong
mandarin=chinese mandarin china taiwanese taiwan
japanese=japanese japan tokyo osaka
korean=korean korea seoul
world-music=balkan romani
none=canadian australian aussie nz american italian italiano italiana italo dutch belgian vlaamse polish russian
ukrainian finnish suomi norwegian norsk danish icelandic faroese greek czech slovak hungarian magyar romanian
bulgarian serbian croatian bosnian slovenian macedonian albanian lithuanian latvian estonian belarusian georgian
armenian azeri kazakh uzbek kyrgyz mongolian israeli jewish arab arabic egyptian lebanese moroccan algerian algerien
tunisian kurdish thai vietnamese viet indonesian cambodian nepali sinhala pakistani bangladeshi african kenyan
zambian zim malian congolese ethiopian rwandan tanzanian ugandan senegalese angolan haitian jamaican portuguese
portugues tuga swiss irish nordic scandinavian baltic singaporean hawaiian chicago atlanta houston memphis
detroit texas brooklyn nyc ny miami seattle nashville montreal toronto vancouver melbourne sydney bay tahitian
polynesian asian european schweizer yugoslav calabrese sarda sardegna genovese napoletano napoletana
lombarda siciliana siciliano pugliese puglia veneto toscana
"""

# Region seeds that name a pop scene, picked by the style they accompany (only popular styles get one).
CJK_SEEDS: Mapping[str, Mapping[str, str]] = {
    "japanese": {"rock": "j-rock", "dance": "j-dance", "idol": "j-idol", "pop": "j-pop"},
    "korean": {"rock": "k-pop", "dance": "k-pop", "idol": "k-pop", "pop": "k-pop"},
    "mandarin": {"rock": "mandopop", "dance": "mandopop", "idol": "mandopop", "pop": "mandopop"},
    "cantonese": {"rock": "cantopop", "dance": "cantopop", "idol": "cantopop", "pop": "cantopop"},
}
PLACE_SEEDS = frozenset(
    {"british", "french", "german", "spanish", "swedish", "turkish", "iranian", "indian", "malay", "brazil"}
)
SCENE_SEEDS = frozenset({"j-pop", "j-rock", "j-dance", "j-idol", "k-pop", "mandopop", "cantopop"})
STYLE_FAMILY: Mapping[str, str] = {
    **dict.fromkeys(("rock", "alt-rock", "hard-rock", "punk", "punk-rock", "metal", "heavy-metal", "grunge"), "rock"),
    **dict.fromkeys(("emo", "indie", "alternative", "psych-rock", "metalcore", "garage", "j-rock"), "rock"),
    **dict.fromkeys(("dance", "edm", "electronic", "house", "techno", "electro", "trance", "j-dance"), "dance"),
    **dict.fromkeys(("j-idol",), "idol"),
    **dict.fromkeys(("pop", "indie-pop", "synth-pop", "hip-hop", "r-n-b", "romance", "anime", "j-pop"), "pop"),
    **dict.fromkeys(("k-pop", "mandopop", "cantopop", "singer-songwriter", "songwriter", "soul"), "pop"),
}

# Not "core": internet-era names (glitchcore, digicore, slowcore) are rarely hardcore or metalcore.
GLUED_SUFFIXES = ("step", "wave", "gaze", "pop", "rap", "punk", "metal", "house", "techno", "rock", "folk")

# Rows of a keyboard (and their reverses) spell the runs typed by mashing keys ("asdf", "lkjh").
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
