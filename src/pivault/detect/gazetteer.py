"""Word lists for the name and address recognizers (data only, no logic).

Surnames: the ~300 most frequent single-character surnames (about 97% of
the population) and the compound surnames still in use. Places: provinces,
municipalities and prefecture-level cities, which anchor the start of an
address so that "住在北京市…" does not swallow "住在".
"""

from __future__ import annotations

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 "
    "南宫 西门 百里 呼延 澹台 万俟 闻人 赫连 钟离 申屠 太史 公羊 濮阳 淳于 单于 司空 东郭".split()
)

SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封谈匡鞠惠荆乐冀郁"
    "胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜阚花权帅屠豆朴盖练廉禹井祖漆巴丰支卿"
    "狄计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹"
    "诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)

#: Pinyin of the common surnames (for names written in Latin letters).
PINYIN_SURNAMES = frozenset(
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng "
    "liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan jiang cai du ye cheng "
    "su wei lv lu lyu ding ren shen yao cui zhong tan wan fan jin shi liao jia xia fu fang bai zou "
    "meng xiong qin qiu yin xue yan duan lei hou long tao gu mao hao gong shao qian dai mo kong "
    "xiang kang niu ge xing an qi yi qiao pang ni zhuang nie yue zhai zhan ou geng guan lan jiao yu "
    "zuo gan bao ning shang shu ruan ke ji mei tong ling bi shan pei huo tu miao qu weng ran lou "
    "xin jing bo chai meng mu zhuo che "
    "ouyang sima shangguan zhuge dongfang huangfu yuchi gongsun murong zhangsun yuwen situ xiahou "
    "linghu duanmu dugu nangong".split()
)

PROVINCES = (
    "北京市 天津市 上海市 重庆市 北京 天津 上海 重庆 "
    "河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 河南省 "
    "湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 "
    "河北 山西 辽宁 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 "
    "云南 陕西 甘肃 青海 "
    "内蒙古自治区 广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 内蒙古 广西 西藏 宁夏 新疆 "
    "香港特别行政区 澳门特别行政区 香港 澳门"
).split()

CITIES = (
    "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 晋城 朔州 晋中 "
    "运城 忻州 临汾 吕梁 呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 沈阳 大连 鞍山 抚顺 本溪 丹东 "
    "锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛 长春 四平 辽源 通化 白山 松原 白城 哈尔滨 齐齐哈尔 鸡西 "
    "鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 南京 无锡 徐州 常州 苏州 南通 连云港 淮安 "
    "盐城 扬州 镇江 泰州 宿迁 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 合肥 芜湖 蚌埠 "
    "淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 福州 厦门 莆田 三明 泉州 "
    "漳州 南平 龙岩 宁德 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 济南 青岛 淄博 "
    "枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 郑州 开封 洛阳 平顶山 安阳 "
    "鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 武汉 黄石 十堰 宜昌 襄阳 鄂州 "
    "荆门 孝感 荆州 黄冈 咸宁 随州 长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 "
    "娄底 广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 "
    "中山 潮州 揭阳 云浮 南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左 "
    "海口 三亚 儋州 成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 "
    "雅安 巴中 资阳 贵阳 六盘水 遵义 安顺 毕节 铜仁 昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 拉萨 "
    "日喀则 西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 兰州 嘉峪关 金昌 白银 天水 武威 张掖 "
    "平凉 酒泉 庆阳 定西 陇南 西宁 海东 银川 石嘴山 吴忠 固原 中卫 乌鲁木齐 克拉玛依 吐鲁番 哈密"
).split()

#: Pinyin city and province names for addresses written in English.
PINYIN_PLACES = frozenset(
    "beijing shanghai tianjin chongqing guangzhou shenzhen hangzhou ningbo nanjing suzhou chengdu "
    "wuhan xi'an xian qingdao xiamen changsha hefei jinan zhengzhou fuzhou kunming nanning guiyang "
    "shenyang dalian harbin changchun taiyuan shijiazhuang lanzhou xining yinchuan urumqi lhasa "
    "haikou sanya dongguan foshan zhuhai wuxi changzhou nantong wenzhou shaoxing jiaxing "
    "guangdong zhejiang jiangsu sichuan hubei hunan shandong henan hebei fujian anhui jiangxi "
    "yunnan guizhou shaanxi shanxi gansu liaoning jilin heilongjiang hainan guangxi".split()
)
